from .loader import STEP_KINDS, load_task
from .model import Condition, Locator, Settings, Step, Task

__all__ = ["STEP_KINDS", "Condition", "Locator", "Settings", "Step", "Task", "load_task"]
