"""`crowd demo`: a realistic demo workshop on London's draft health and care declaration."""

from crowd.demo.build import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
