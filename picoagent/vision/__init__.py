from .frame import Element, Frame, Match, frame_to_screen, screen_to_frame
from .vision import Vision

__all__ = ["Element", "Frame", "Match", "Vision", "frame_to_screen", "screen_to_frame"]
