"""One router per capcut-mate route group."""
