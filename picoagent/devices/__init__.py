from .display import check_display
from .input import Input, PyAutoGuiInput, RecordingInput
from .screen import ImageScreen, MssScreen, Screen

__all__ = ["ImageScreen", "Input", "MssScreen", "PyAutoGuiInput", "RecordingInput", "Screen",
           "check_display"]
