"""The long test form and readers for the PDFs the tests produce (poppler)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

TOWNSHIP = "421202001"
ZH, EN = "中文 (zh)", "English (en)"
QUESTIONS = 60
ROSTER_ROWS = 10
# Question 5 of the long form gets an answer far longer than a table row should hold.
LONG_QUESTION = 5


def _row(*cells: str) -> str:
    return "| | " + " | ".join(cells) + " |"


def long_form_markdown() -> str:
    """Three sections of 20 questions, the blocks' questions, a skip, and a roster."""
    header = ("type", "name", f"label::{ZH}", f"label::{EN}", "relevant", "required",
              "appearance", "fs_prefill", "fs_stat")
    rows = [
        ("begin_group", "visit", "走访", "The visit", "", "", "", "", ""),
        ("date", "visit_date", "走访日期", "Visit date", "", "yes", "", "", "visit_date"),
        ("select_one result", "visit_result", "走访结果", "Result", "", "yes", "", "",
         "visit_result"),
        ("text", "respondent_name", "受访人姓名", "Respondent's name", "", "", "", "", ""),
        ("text", "respondent_post", "受访人职务", "Respondent's post", "", "", "", "", ""),
        ("end_group", "", "", "", "", "", "", "", ""),
        ("begin_group", "org", "单位基本情况", "The organization", "", "", "", "", ""),
        ("text", "org_name", "单位名称", "Name", "", "", "", "register.name", ""),
        ("text", "uscc", "统一社会信用代码", "USCC", "", "", "", "register.uscc", ""),
        ("select_one reg", "reg_type", "登记类型", "Registration type", "", "", "",
         "register.reg_type", "reg_type"),
        ("text", "address", "住所", "Address", "", "", "", "register.address", ""),
        ("end_group", "", "", "", "", "", "", "", ""),
    ]
    for section in range(3):
        rows.append(("begin_group", f"s{section + 1}", f"第{section + 1}部分情况",
                     f"Part {section + 1}", "", "", "", "", ""))
        for i in range(section * 20 + 1, section * 20 + 21):
            kind = "select_one yes_no" if i % 7 == 0 else "text"
            rows.append((kind, f"q{i:02d}", f"问题{i:02d}的标签", f"Question {i:02d} label",
                         "", "", "", "", ""))
        rows.append(("end_group", "", "", "", "", "", "", "", ""))
    rows += [
        ("text", "skipped", "拒访原因", "Why refused", "${visit_result} = 'refused'", "",
         "", "", ""),
        ("text", "unanswered", "未答问题", "Unanswered question", "", "", "", "", ""),
        ("begin_repeat", "roster", "工会领导班子成员", "Union leadership", "", "", "", "", ""),
        ("text", "leader_name", "姓名", "Name", "", "yes", "", "", ""),
        ("select_one sex", "leader_sex", "性别", "Sex", "", "yes", "", "", ""),
        ("text", "leader_post", "职务", "Post", "", "", "", "", ""),
        ("text", "leader_phone", "联系电话", "Phone", "", "", "", "", ""),
        ("end_repeat", "", "", "", "", "", "", "", ""),
        ("text", "notes", "情况说明", "Notes", "", "", "multiline", "", ""),
    ]
    choices = [
        ("result", "completed", "完成", "Completed"), ("result", "refused", "拒访", "Refused"),
        ("reg", "social_group", "社会团体", "Social group"),
        ("reg", "foundation", "基金会", "Foundation"),
        ("yes_no", "yes", "是", "Yes"), ("yes_no", "no", "否", "No"),
        ("sex", "male", "男", "Male"), ("sex", "female", "女", "Female"),
    ]
    lines = ["| survey |", _row(*header), *(_row(*r) for r in rows),
             "| choices |", _row("list_name", "name", f"label::{ZH}", f"label::{EN}"),
             *(_row(*c) for c in choices),
             "| settings |", _row("form_id", "version", "form_title", "default_language"),
             _row("print_test", "1", "打印测试表", ZH)]
    return "\n".join(lines)


def long_answer() -> str:
    return "这是一段很长的情况说明，" * 40 + "结束标记"


def long_form_answers(visit_date: dt.date) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "visit_date": visit_date.isoformat(), "visit_result": "completed",
        "respondent_name": "李娟", "respondent_post": "秘书长",
        "org_name": "温泉茶叶协会", "uscc": "51421202MJH123456X", "reg_type": "social_group",
        "address": "咸安区温泉路1号",
        "notes": "第一行说明：负责人支持建会。\n第二行说明：下周送达政策材料。",
        "roster": [{"leader_name": f"成员{i:02d}", "leader_sex": "female" if i % 2 else "male",
                    "leader_post": "委员", "leader_phone": f"1380000{i:04d}"}
                   for i in range(1, ROSTER_ROWS + 1)],
    }
    for i in range(1, QUESTIONS + 1):
        answers[f"q{i:02d}"] = ("yes" if i % 7 == 0 else
                                long_answer() if i == LONG_QUESTION else f"答案{i:02d}")
    return answers


# -- reading PDFs -------------------------------------------------------------------------
def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True,
                          text=True).stdout


def page_count(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", run("pdfinfo", pdf), re.MULTILINE)
    assert match
    return int(match.group(1))


def page_texts(pdf: Path, *, layout: bool = False) -> list[str]:
    """The text of each page (``pdftotext``; one call, split at form feeds)."""
    args = ["pdftotext", *(["-layout"] if layout else []), pdf, "-"]
    pages = run(*args).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squeeze(text: str) -> str:
    """Text without the line breaks and spaces wrapping put in."""
    return re.sub(r"\s+", "", text)


def fonts(pdf: Path) -> list[dict[str, str]]:
    """``pdffonts`` rows as dicts: name, type, emb."""
    lines = run("pdffonts", pdf).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name, type (one or more words), encoding, emb, sub, uni, object, id
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5]})
    return rows


def word_boxes(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word, from ``pdftotext -bbox``."""
    html = run("pdftotext", "-bbox", pdf, "-")
    out = []
    page = 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                          r"([^<]*)</word>", line)
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            out.append((page, x0, y0, x1, y1, match.group(5)))
    return out
