"""Human-friendly sizes as LiquidFiles prints them: ``144 KB``, ``2.99 MB``."""

_UNITS = ("KB", "MB", "GB", "TB", "PB")


def size_human(size: int) -> str:
    if size < 1024:
        return "1 Byte" if size == 1 else f"{size} Bytes"
    value = float(size)
    unit = "Bytes"
    for unit in _UNITS:
        value /= 1024
        if value < 1024:
            break
    decimals = max(0, 3 - len(str(int(value))))  # three significant digits
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}"
