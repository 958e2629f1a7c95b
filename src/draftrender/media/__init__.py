"""Facts about media files, read with PyAV."""
from .probe import MediaInfo, ProbeError, probe

__all__ = ["MediaInfo", "ProbeError", "probe"]
