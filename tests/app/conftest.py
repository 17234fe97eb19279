from ..providers.conftest import emu  # noqa: F401  (the emulator fixture)
