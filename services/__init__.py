"""The rules of the platform. Services flush, never commit, and never touch `request`."""
