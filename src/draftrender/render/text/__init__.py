"""Text rasteriser: a TextSpec → one RGBA image per text segment (fonts, layout, painting)."""
from .fonts import FontFace, FontResolver
from .layout import Layout, em_px, layout_text
from .raster import TextImage, rasterize_text

__all__ = ["FontFace", "FontResolver", "Layout", "TextImage", "em_px", "layout_text", "rasterize_text"]
