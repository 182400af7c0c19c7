"""embedlib: the small library behind the interactive book on ``torch.nn.Embedding``.

Three layers, imports flowing one way:

* compute (``embedlib.vocab``, ``embedlib.lookup``, ...): torch only, pure functions returning
  tensors or frozen dataclasses;
* ``embedlib.plots``: matplotlib, every function returns a Figure;
* ``embedlib.widgets``: thin ipywidgets layers wiring the first two.

Only the compute layer is re-exported here, so ``import embedlib`` never imports matplotlib.
"""

# --- compute modules (one line each) ---
from embedlib.cost import *  # noqa: F403
from embedlib.diagnose import *  # noqa: F403
from embedlib.grads import *  # noqa: F403
from embedlib.init import *  # noqa: F403
from embedlib.lookup import *  # noqa: F403
from embedlib.norms import *  # noqa: F403
from embedlib.optim_matrix import *  # noqa: F403
from embedlib.params import *  # noqa: F403
from embedlib.toy import *  # noqa: F403
from embedlib.trace import *  # noqa: F403
from embedlib.vocab import *  # noqa: F403

# --- end of compute modules ---

__all__: list[str] = []  # filled in explicitly by the lead once the modules land
