"""planner: workforce planning and staffing for outsourced customer service."""

__version__ = "0.1.0"
