"""JupyterLab as `make lab` runs it: read through JUPYTER_CONFIG_PATH, for that command only.

`make lab` also points Jupyter's own folders at .jupyter/ (git-ignored), so nothing here reads or
writes ~/.jupyter or ~/.local/share/jupyter. The Lab settings the book ships are in settings/
(overrides.json: defaults a reader can still change in Lab's Settings editor).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # for the widget_state server extension below

c = get_config()  # noqa: F821 (provided by Jupyter when it reads this file)

c.ServerApp.root_dir = str(HERE.parent)
# The book opens on its landing page, and the URLs printed in the terminal lead there too.
c.LabApp.default_url = "/lab/tree/chapters/index.ipynb"
c.LabApp.app_settings_dir = str(HERE / "settings")
# No news feed and no update check: nothing is fetched from the internet.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
# Kernels get CurveZMQ keys from the server (the kernel spec declares support), so their
# connections are encrypted and ipykernel no longer warns "running over TCP without encryption".
c.KernelManager.transport_encryption = "auto"
# Saving never drops the widget state that the notebook's outputs still show (see widget_state).
c.ServerApp.jpserver_extensions.update({"widget_state": True})
# lab/custom/custom.css (`make lab` links it into the config dir, where Lab looks for it):
# no broken-link icon on widgets that need no kernel, one per widget on the others.
c.LabApp.custom_css = True
