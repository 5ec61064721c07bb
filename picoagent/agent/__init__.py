from .report import Report
from .runner import RunResult, Runner, StepResult, run

__all__ = ["Report", "RunResult", "Runner", "StepResult", "run"]
