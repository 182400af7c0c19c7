#!/usr/bin/env bash
# Fetch the website's JavaScript from the npm registry into OUT_DIR (default _vendor/), once:
# the standalone ipywidgets manager (embed.js: no require.js needed) with its icon fonts, and
# MathJax 3 (CHTML output only). The book serves these files itself (_ext/offline_site.py
# publishes _vendor/ under _static/), so the website needs no network afterwards. `make vendor`
# calls this with the pinned versions and skips it while its stamp for those versions exists.
#
# usage: tools/vendor.sh HTML_MANAGER_VERSION MATHJAX_VERSION [OUT_DIR]
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 HTML_MANAGER_VERSION MATHJAX_VERSION [OUT_DIR]" >&2
  exit 2
fi
html_manager=$1 mathjax=$2 out=${3:-_vendor}
packages=("@jupyter-widgets/html-manager@$html_manager" "mathjax@$mathjax")

if ! command -v npm >/dev/null; then
  echo "vendor: needs npm (Node.js 20) to fetch the website's JavaScript: apt-get install nodejs npm" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "vendor: ${packages[*]} from the npm registry into $out/"
# One short retry: with npm's defaults an unreachable registry takes about 70 s to give up.
# npm's own error (the reason) goes to stderr as it happens; the advice follows it.
if ! (cd "$tmp" && npm pack --loglevel=error --fetch-retries=1 --fetch-retry-mintimeout=1000 \
  --fetch-retry-maxtimeout=3000 "${packages[@]}" >/dev/null); then
  cat >&2 <<EOF
vendor: npm could not fetch ${packages[*]}; npm's reason is above.
vendor: the website's JavaScript comes from the npm registry once, then stays in $out/.
vendor: connect to the internet (or set npm_config_registry to a reachable npm mirror) and run
        'make vendor' again.
EOF
  exit 1
fi

mkdir -p "$tmp/hm" "$tmp/mj" "$tmp/out/jupyter-widgets" "$tmp/out/mathjax/output/chtml/fonts" \
  "$tmp/out/mathjax/input/tex"
tar -xzf "$tmp/jupyter-widgets-html-manager-$html_manager.tgz" -C "$tmp/hm"
tar -xzf "$tmp/mathjax-$mathjax.tgz" -C "$tmp/mj"
hm="$tmp/hm/package/dist" mj="$tmp/mj/package/es5"
cp "$hm"/embed.js "$hm"/embed.js.LICENSE.txt "$hm"/*.woff2 "$hm"/*.woff "$hm"/*.ttf "$hm"/*.eot \
  "$hm"/*.svg "$tmp/out/jupyter-widgets/"
cp "$mj"/tex-mml-chtml.js "$tmp/mj/package/LICENSE" "$tmp/out/mathjax/"
cp -r "$mj"/a11y "$mj"/ui "$tmp/out/mathjax/"
cp -r "$mj"/input/tex/extensions "$tmp/out/mathjax/input/tex/"
cp -r "$mj"/output/chtml/fonts/woff-v2 "$tmp/out/mathjax/output/chtml/fonts/"
rm -rf "$out"
mv "$tmp/out" "$out"
