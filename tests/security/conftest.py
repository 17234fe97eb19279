from ..providers.conftest import emu, route  # noqa: F401  (the same emulator and route fixtures)
