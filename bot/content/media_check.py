"""Checking the pictures and voice clips a lesson step points to, as a phone on weak signal gets them.

A picture must be a PNG or JPEG under 150 KB; a voice clip an OGG (Opus, as Telegram voice notes
are) no longer than a minute and a half and under 600 KB. Sizes are read from the files themselves.
"""

from __future__ import annotations

import struct
from pathlib import Path

from bot.content.explain import Said
from bot.content.limits import MAX_IMAGE_BYTES, MAX_VOICE_BYTES, MAX_VOICE_SECONDS

IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def ogg_seconds(data: bytes) -> float | None:
    """How long an Ogg Opus or Vorbis clip plays: the last page's granule position over the rate."""
    last = data.rfind(b"OggS")
    if not data.startswith(b"OggS") or last < 0 or len(data) < last + 14:
        return None
    granule = struct.unpack_from("<q", data, last + 6)[0]
    if b"OpusHead" in data[:200]:
        return max(granule, 0) / 48000  # Opus always counts at 48 kHz
    head = data.find(b"\x01vorbis")
    if head >= 0 and len(data) >= head + 16:
        rate = struct.unpack_from("<I", data, head + 12)[0]
        return max(granule, 0) / rate if rate else None
    return None


def image_problem(path: Path, shown: str) -> Said | None:
    """Why this picture cannot be sent to a learner, or None."""
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return (f"图片 {shown} 要用 .png 或 .jpg 格式。", f"the picture {shown} must be a .png or .jpg file.")
    head = path.read_bytes()[:8]
    if not any(head.startswith(magic) for magic in IMAGE_KINDS):
        return (
            f"{shown} 不是真正的 PNG 或 JPEG 图片（可能只是改了文件名）。请用看图软件另存为 PNG 或 JPEG。",
            f"{shown} is not really a PNG or JPEG picture (perhaps only renamed). "
            "Save it again as PNG or JPEG.",
        )
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        kb, limit = size // 1024, MAX_IMAGE_BYTES // 1024
        return (
            f"图片 {shown} 有 {kb} KB，信号弱的手机下载太慢，最大 {limit} KB。"
            "请缩小尺寸（宽 800 像素就够）或另存为 JPEG。",
            f"the picture {shown} is {kb} KB; keep images under {limit} KB for weak signal. "
            "Make it smaller (800 pixels wide is enough) or save it as JPEG.",
        )
    return None


def voice_problem(path: Path, shown: str) -> Said | None:
    """Why this voice clip cannot be sent to a learner, or None."""
    if path.suffix.lower() not in (".ogg", ".oga", ".opus"):
        return (
            f"语音 {shown} 要用 .ogg 格式（和微信、Telegram 语音一样的 Opus 编码）。",
            f"the voice clip {shown} must be an .ogg file (Opus, as phone voice notes are).",
        )
    data = path.read_bytes()
    seconds = ogg_seconds(data)
    if seconds is None:
        return (f"{shown} 读不出来，不是 OGG 语音文件。", f"{shown} cannot be read as an OGG voice clip.")
    if seconds > MAX_VOICE_SECONDS:
        return (
            f"语音 {shown} 有 {seconds:.0f} 秒，最长 {MAX_VOICE_SECONDS} 秒。一步只讲一件事，请录短一些。",
            f"the voice clip {shown} lasts {seconds:.0f} s; at most {MAX_VOICE_SECONDS} s. "
            "One idea per step: record a shorter clip.",
        )
    if len(data) > MAX_VOICE_BYTES:
        kb, limit = len(data) // 1024, MAX_VOICE_BYTES // 1024
        return (
            f"语音 {shown} 有 {kb} KB，最大 {limit} KB。请用手机的语音消息录，或降低录音质量。",
            f"the voice clip {shown} is {kb} KB; at most {limit} KB. Record it as a phone voice note "
            "or at a lower quality.",
        )
    return None
