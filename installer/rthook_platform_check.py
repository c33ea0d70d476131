# PyInstaller runtime hook, listed first in commune-desk.spec: custom runtime hooks run
# before the ones PyInstaller adds for collected packages, so this refuses an old CPU or
# Windows before pyi_rth_pyside6 loads QtCore (which would crash on a CPU without SSE4.2).
from commune_desk.platform_check import run_first

run_first()
