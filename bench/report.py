"""`make bench`'s report: the runner's records (bench/bench.py) summarised per engine and
photo (medians of quiet warm runs, ratios ours/peer and ours/native), as a table and a chart.

    python bench/bench.py --summarise bench/results/latest.json   # the table of a saved run
"""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from PIL import Image

STAGES = ("decode", "preprocess", "inference", "postprocess", "encode")
# Our static 8-bit ISNet (bench/quantize.py), compared with both of the peer's models.
INT8 = "int8"


def median_timings(records: list[dict[str, Any]]) -> dict[str, float]:
    keys = {k for r in records for k in r["timings"]}
    return {k: statistics.median(r["timings"][k] for r in records if k in r["timings"]) for k in keys}


def summarise(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for engine_id in result["engines"]:
        for photo in result["photos"]:
            row: dict[str, Any] = {"engine": engine_id, "photo": photo}
            for who in ("ours", "peer", "native"):
                picked = [r for r in result["records"]
                          if r["who"] == who and r["engine"] == engine_id and r["photo"] == photo]
                warm = [r for r in picked if r["kind"] == "warm"]
                cold = [r for r in picked if r["kind"] == "cold"]
                if not warm:
                    continue
                # Runs that others disturbed are kept in the JSON but left out of the median
                # when at least one quiet run exists.
                quiet = [r for r in warm if not r["busy"]["noisy"]]
                med = median_timings(quiet or warm)
                row[who] = {
                    "warm": med,
                    "warm_min_total": min(r["timings"]["total"] for r in warm),
                    "cold_total": cold[0]["timings"]["total"] if cold else None,
                    "cold_model": cold[0]["timings"].get("model") if cold else None,
                    "cold_source": cold[0].get("source") if cold else None,
                    "ready_ms": cold[0].get("ready_ms") if cold else None,
                    "ready_to_run_ms": cold[0].get("ready_to_run_ms") if cold else None,
                    "reload": next(({"source": r["source"], "ready_to_run_ms": r["ready_to_run_ms"],
                                     "model_ms": r["timings"].get("model"), "total": r["timings"]["total"]}
                                    for r in picked if r["kind"] == "reload"), None),
                    "quiet_runs": len(quiet),
                    "warm_runs": len(warm),
                    "others_cpu": max(r["busy"]["others_cpu"] for r in (quiet or warm)),
                    "noisy": not quiet,
                }
            if engine_id in (INT8, "lightweight"):
                # An 8-bit model of ours against the peer's 8-bit one and its fp16 (whose
                # weights ours is made from).
                pairs = (("peer", "lightweight"), ("peer_fp16", "precision"))
                for name, peer_engine in pairs[1:] if engine_id == "lightweight" else pairs:
                    warm = [r for r in result["records"] if r["who"] == "peer" and r["engine"] == peer_engine
                            and r["photo"] == photo and r["kind"] == "warm"]
                    quiet = [r for r in warm if not r["busy"]["noisy"]]
                    if warm:
                        row[name] = {"warm": median_timings(quiet or warm), "others_cpu": 0.0,
                                     "noisy": not quiet, "cold_total": None}
            ours = row.get("ours")
            if ours:
                w = ours["warm"]
                row["prepost_share"] = (w["decode"] + w["preprocess"] + w["postprocess"]) / w["inference"]
                row["prepost_encode_share"] = row["prepost_share"] + w["encode"] / w["inference"]
                for who in ("peer", "peer_fp16", "native"):
                    if who in row:
                        row["ours/" + who] = w["total"] / row[who]["warm"]["total"]
                        row["ours/" + who + " inference"] = w["inference"] / row[who]["warm"]["inference"]
            rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    def s(ms: float | None) -> str:
        return "    -" if ms is None else f"{ms / 1000:5.2f}"

    def r(value: float | None) -> str:
        return "   -" if value is None else f"{value:4.2f}"

    lines = [
        "warm end to end (median of quiet runs, s) | our stages: decode pre infer post encode | cold (source)"
        " | ratios ours/peer ours/native (infer) | pre+post/infer | others' CPU (max)",
        "-" * 150,
    ]
    for row in rows:
        ours, peer, native = row.get("ours"), row.get("peer"), row.get("native")
        w = ours["warm"] if ours else {}
        stages = " ".join(s(w.get(k)) for k in STAGES)
        busy = max((x["others_cpu"] for x in (ours, peer, native) if x), default=0.0)
        noisy = any(x["noisy"] for x in (ours, peer, native) if x)
        lines.append(
            f"{row['engine']:11} {row['photo']:>4} | ours {s(w.get('total'))} peer "
            f"{s(peer['warm']['total'] if peer else None)} "
            f"native {s(native['warm']['total'] if native else None)}"
            f" (infer {s(native['warm']['inference'] if native else None)})"
            f" | {stages} | {s(ours['cold_total'] if ours else None)}"
            f" ({ours['cold_source'] if ours else '-'})"
            f" | {r(row.get('ours/peer'))} {r(row.get('ours/native'))}"
            f" ({r(row.get('ours/native inference'))})"
            f" | {row.get('prepost_share', 0):4.0%} | {busy:4.0%}{' NOISY' if noisy else ''}")
    for row in rows:
        if row["engine"] in (INT8, "lightweight") and "ours" in row:
            lines.append(f"{row['engine']} {row['photo']:>4}: ours {s(row['ours']['warm']['total'])} s"
                         f" (inference {s(row['ours']['warm']['inference'])});"
                         f" ours/peer uint8 {r(row.get('ours/peer'))},"
                         f" ours/peer fp16 {r(row.get('ours/peer_fp16'))}")
    ready = [row["ours"]["ready_ms"] for row in rows if row.get("ours") and row["ours"]["ready_ms"]]
    if ready:
        lines.append(f"reload to window.backgrone.ready: median {statistics.median(ready):.0f} ms")
    for row in rows:
        reload = row.get("ours", {}).get("reload")
        if reload:
            lines.append(f"reload to ready to run, {row['engine']}: {reload['ready_to_run_ms']:.0f} ms"
                         f" (model from {reload['source']};"
                         f" the job's own model step {reload['model_ms']:.0f} ms)")
    return "\n".join(lines)


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    """Stacked bars of warm stage times: ours, peer, native for each engine and photo."""
    from PIL import ImageDraw

    colours = {"decode": (120, 160, 220), "preprocess": (90, 200, 160), "inference": (230, 150, 60),
               "postprocess": (200, 90, 120), "encode": (150, 110, 200)}
    groups = [(row, who) for row in rows for who in ("ours", "peer", "native") if who in row]
    peak = max(x[0][x[1]]["warm"]["total"] for x in groups) if groups else 1.0
    width, height, left, bottom, bar = 120 + 70 * len(groups) + 30 * len(rows), 520, 70, 90, 44
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    scale = (height - bottom - 40) / peak
    draw.text((10, 10), "Warm end to end per stage (median, seconds): ours / peer / native", fill="black")
    for tick in range(0, int(peak / 1000) + 2):
        y = height - bottom - tick * 1000 * scale
        if y < 30:
            break
        draw.line((left - 5, y, width - 10, y), fill=(225, 225, 225))
        draw.text((left - 30, y - 6), f"{tick}s", fill="black")
    x = left + 10
    previous = None
    for row, who in groups:
        if previous is not None and previous is not row:
            x += 30
        previous = row
        timings = row[who]["warm"]
        y = height - bottom
        for stage in STAGES:
            h = timings.get(stage, 0.0) * scale
            draw.rectangle((x, y - h, x + bar, y), fill=colours[stage])
            y -= h
        draw.text((x, y - 14), f"{timings['total'] / 1000:.1f}", fill="black")
        draw.text((x, height - bottom + 5), who, fill="black")
        draw.text((x, height - bottom + 20), row["photo"], fill="black")
        draw.text((x, height - bottom + 35), row["engine"][:9], fill="black")
        x += bar + 26
    legend_x = left
    for stage, colour in colours.items():
        draw.rectangle((legend_x, height - 25, legend_x + 12, height - 13), fill=colour)
        draw.text((legend_x + 16, height - 26), stage, fill="black")
        legend_x += 110
    image.save(path)
