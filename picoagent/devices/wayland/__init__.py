"""The Wayland backend: capture and virtual input through the compositor's protocols.

No compiled dependency: :mod:`.wire` speaks the Wayland wire format with the
standard library (see docs/wayland.md for why).
"""
from .input import WaylandInput
from .screen import WaylandScreen
from .session import WaylandSession
from .wire import WaylandError

__all__ = ["WaylandError", "WaylandInput", "WaylandScreen", "WaylandSession"]
