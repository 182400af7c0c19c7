/* Load MathJax and the widget manager when a page needs them, not while it loads.
 *
 * _ext/page_assets.py writes, on each page that has math or saved widgets, a JSON list
 * (<script type="application/json" id="page-assets-lazy">) of {name, src, near, replayLoad,
 * state}: the script to load, a CSS selector for the elements that need it, and for widgets the
 * script that holds their saved state. The script is loaded once one
 * of those elements comes within a screen's height of the viewport (IntersectionObserver), or before the page
 * is printed. A reader who scrolls never sees the difference; the first paint does not wait for
 * 3 MB of JavaScript, and a page whose math or widgets are never reached never loads them.
 */
(function () {
  'use strict';
  var config = document.getElementById('page-assets-lazy');
  if (!config) return;
  var assets = JSON.parse(config.textContent);
  var byName = {};
  assets.forEach(function (asset) { byName[asset.name] = asset; });
  var loading = {};

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error('page_assets: could not load ' + src)); };
      document.head.appendChild(script);
    });
  }

  // ipywidgets 8 controls typeset their descriptions with MathJax 2's MathJax.Hub.Queue whenever
  // window.MathJax exists; the book serves MathJax 3, which has no Hub, so every slider with a
  // description threw "Cannot read properties of undefined (reading 'Queue')". This Hub forwards
  // the one job ipywidgets queues ('Typeset') to MathJax 3's typesetPromise.
  function installMathJaxHub() {
    var mathjax = window.MathJax;
    if (!mathjax || !mathjax.startup || mathjax.Hub) return;
    mathjax.Hub = {Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === 'Typeset' && job[2]) {
          mathjax.startup.promise.then(function () { return mathjax.typesetPromise([job[2]]); });
        }
      });
    }};
  }

  // The widget manager renders the saved widgets from a window 'load' listener. Loaded after the
  // page's load event, that listener would never run: it is caught while the script runs and
  // called once the script has run.
  function addScriptReplayingLoad(src) {
    var listeners = [];
    var addEventListener = window.addEventListener;
    window.addEventListener = function (type, listener, options) {
      if (type === 'load') listeners.push(listener);
      else addEventListener.call(window, type, listener, options);
    };
    var restore = function () { window.addEventListener = addEventListener; };
    return addScript(src).then(restore, function (error) { restore(); throw error; })
      .then(function () {
        var event = new Event('load');
        listeners.forEach(function (listener) {
          if (typeof listener === 'function') listener.call(window, event);
          else listener.handleEvent(event);
        });
      });
  }

  // ipywidgets' sliders are noUiSlider handles (role="slider") with no accessible name: the
  // description beside them is a <label> for a hidden input (noUiSlider#1223; ipywidgets passes
  // no handle attributes). Each handle is named after its slider's description once rendered.
  // The Play widget's buttons (play/pause, stop, repeat) hold only a Font Awesome icon: no text,
  // title or label (axe: button-name, critical; ipywidgets 8.1.9's PlayView,
  // jupyter-widgets/ipywidgets#2650). Each is named, and given a tooltip, after what its icon
  // shows; the play button's icon turns into a pause icon while playing, and its name follows.
  var PLAY_ICONS = {'fa-play': 'Play', 'fa-pause': 'Pause', 'fa-stop': 'Stop',
                    'fa-retweet': 'Repeat'};
  // The Chinese edition: the live widgets' note was saved in English with the notebook's widget
  // state, so it is shown in Chinese here (its link kept), and the Play buttons get Chinese names.
  var CHINESE = /^zh/i.test(document.documentElement.lang);
  var CHINESE_NAMES = {'Play': '播放', 'Pause': '暂停', 'Stop': '停止', 'Repeat': '循环播放'};
  var CHINESE_NOTE = '这个交互图在 JupyterLab 中会随控件重新计算（<a href="run_it_yourself.html" ' +
    'style="color:inherit">如何运行</a>）；这里显示的是它的第一幅图。';
  function translateSiteNotes() {
    document.querySelectorAll('.embedlib-site-note:not([lang])').forEach(function (note) {
      note.innerHTML = CHINESE_NOTE;
      note.lang = 'zh-CN';
    });
  }

  function nameWidgetControls() {
    if (CHINESE) translateSiteNotes();
    document.querySelectorAll('.widget-slider .noUi-handle:not([aria-label])').forEach(
      function (handle) {
        var label = handle.closest('.widget-slider').querySelector('.widget-label');
        var name = label ? label.textContent.trim() : '';
        if (name) handle.setAttribute('aria-label', name);
      });
    document.querySelectorAll('.widget-play button > i').forEach(function (icon) {
      var name = PLAY_ICONS[Array.from(icon.classList).find(function (c) {
        return c in PLAY_ICONS;
      })];
      var button = icon.parentElement;
      if (name && CHINESE) name = CHINESE_NAMES[name];
      if (name && button.getAttribute('aria-label') !== name) {
        button.setAttribute('aria-label', name);
        button.title = name;
      }
    });
  }

  function watchWidgetControls() {
    var queued = false;
    new MutationObserver(function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; nameWidgetControls(); });
    }).observe(document.body,
               {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
  }

  // The saved widget state (most of a widget page's bytes: its frames) comes in a script of its
  // own, not in the page; the widget manager reads it from a widget-state <script> in the page.
  function addWidgetState() {
    var tag = document.createElement('script');
    tag.type = 'application/vnd.jupyter.widget-state+json';
    tag.textContent = JSON.stringify(window.pageAssetsWidgetState);
    document.head.appendChild(tag);
    delete window.pageAssetsWidgetState;
  }

  function load(asset) {
    if (!loading[asset.name]) {
      // Widgets typeset their labels through MathJax when the page has it: MathJax first.
      var first = asset.name === 'widgets' && byName.mathjax ? load(byName.mathjax) : null;
      loading[asset.name] = Promise.resolve(first).then(function () {
        if (asset.name !== 'widgets') return addScript(asset.src);
        watchWidgetControls();
        return (asset.state ? addScript(asset.state).then(addWidgetState) : Promise.resolve())
          .then(function () { return addScriptReplayingLoad(asset.src); });
      }).then(function () {
        if (asset.name !== 'mathjax') return undefined;
        return window.MathJax.startup.promise.then(installMathJaxHub);
      });
    }
    return loading[asset.name];
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      assets.forEach(function (asset) {
        if (entry.target.pageAssetNames.indexOf(asset.name) >= 0) load(asset);
      });
    });
  }, {rootMargin: '100% 0px'});

  assets.forEach(function (asset) {
    document.querySelectorAll(asset.near).forEach(function (element) {
      // A <script> (a widget's view) has no box, nor has its output before the widget renders
      // (a zero-height target is never reported): watch the cell that holds it.
      var target = element.tagName === 'SCRIPT'
        ? element.closest('.cell') || element.parentElement : element;
      target.pageAssetNames = (target.pageAssetNames || []).concat([asset.name]);
      observer.observe(target);
    });
  });
  window.addEventListener('beforeprint', function () { assets.forEach(load); });
})();
