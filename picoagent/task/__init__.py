from .loader import STEP_KINDS, load_task, parse_locator
from .model import Condition, Locator, Settings, Task
from .steps import STEPS, Step

__all__ = ["STEPS", "STEP_KINDS", "Condition", "Locator", "Settings", "Step", "Task",
           "load_task", "parse_locator"]
