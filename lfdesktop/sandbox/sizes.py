"""Human-friendly sizes as LiquidFiles prints them: ``144 KB``, ``2.99 MB``."""

_UNITS = ("KB", "MB", "GB", "TB", "PB")


def size_human(size: int) -> str:
    if size < 1024:
        return "1 Byte" if size == 1 else f"{size} Bytes"
    value = size / 1024
    power = 0
    # Compare the rounded value: 1048575 bytes is "1 MB", not "1024 KB".
    while round(value) >= 1024 and power < len(_UNITS) - 1:
        value /= 1024
        power += 1
    decimals = max(0, 3 - len(str(int(value))))  # three significant digits
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {_UNITS[power]}"
