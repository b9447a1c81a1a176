"""integratiescan: the MDT integration scan as a reproducible pipeline."""

__version__ = "0.1.0"
