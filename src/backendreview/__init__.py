"""backendreview: automated code review for Python web backends."""

__version__ = "0.1.0"
