"""Helpers shared by the test packages (imported as ``tests.helpers.…``; fixtures stay in conftest files)."""
