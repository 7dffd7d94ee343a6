"""Keiretsu's Python side: deployment, operator helpers and scripts' shared logic."""
