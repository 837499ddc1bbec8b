"""The matcher on its own: normalisation, the known traps, bad input, and the bank's checks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session

from bot.content.faq_bank import FaqBank, FaqEntry, load_faq_bank
from bot.content.faq_spoken import SpokenTable
from bot.content.loader import Curriculum, load_curriculum
from bot.content.problems import ContentError, Problem
from bot.faq.clauses import split_message
from bot.faq.matcher import Decision, FaqMatcher, MatcherSettings, Scored, Thresholds, decide
from bot.faq.spoken import Spoken
from bot.faq.text import Segmenter, normalise
from bot.store.database import make_engine, upgrade
from bot.store.tables import FaqQuestion
from tests.cli_runner import farmskills as run_cli
from tests.content_builder import SMALL_FAQ, faq_entry, write_yaml


@pytest.fixture
def matcher(curriculum: Curriculum) -> FaqMatcher:
    return FaqMatcher.for_curriculum(curriculum)


def test_full_width_letters_traditional_characters_and_case_are_folded() -> None:
    assert normalise("ＡＢ線 怎麼設？？") == "ab线 怎么设"
    assert normalise("  How   do I\tSHIP?! ") == "how do i ship"
    assert normalise("电池\x00鼓包\u200b🙂") == "电池 鼓包"


def test_question_template_words_are_dropped_so_different_questions_stay_different() -> None:
    words = Segmenter().words
    assert words("小麦什么时候施肥", "zh") != words("小麦什么时候浇水", "zh")
    assert "什么时候" not in words("小麦什么时候施肥", "zh")
    assert words("怎么开店吗", "zh") == words("开店", "zh")


def test_a_homophone_typo_and_a_traditional_spelling_find_the_entry(matcher: FaqMatcher) -> None:
    for question in ("开店保正金交多少", "開店押金能退嗎", "kaidian yajin"):
        assert matcher.match(question, "zh").matches[0].id == "shop-deposit", question


def test_a_question_typed_in_pinyin_scores_as_its_characters_would(matcher: FaqMatcher) -> None:
    # dianchi / gubao are read as the bank's 电池 / 鼓包: nearly as sure as the same words in
    # characters (read as pinyin alone, 53 with a lead of 27)
    typed = matcher.read("dianchi gubao le", "zh").ranked
    written = matcher.read("电池鼓包了", "zh").ranked
    assert typed[0].id == written[0].id == "drone-battery"
    assert typed[0].score >= 0.85 * written[0].score
    assert typed[0].score - typed[1].score >= 0.8 * (written[0].score - written[1].score)


def test_a_question_that_only_shares_template_words_is_not_answered(matcher: FaqMatcher) -> None:
    assert matcher.match("什么时候能到", "zh").decision is not Decision.answer
    assert matcher.match("how do i do that", "en").decision is Decision.none


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "吗",
        "a",
        "🙂🙂🙂",
        "？？？",
        "\x00\x07\x1b[31m",
        "无人机" * 2000,
        "x" * 5000,
        "无人机 drone 電池 ＡＢ",
        "\u202e反转",
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_gets_a_decision_never_an_exception(matcher: FaqMatcher, text: str, lang: str) -> None:
    match = matcher.match(text, lang)
    assert match.decision in Decision
    assert len(match.matches) <= 3
    if not normalise(text).strip("吗a"):
        assert match.decision is Decision.none


def test_the_answer_needs_a_clear_winner() -> None:
    limits = Thresholds(answer=80, margin=10, choices=50)
    assert decide([Scored("a", 90), Scored("b", 70)], limits).decision is Decision.answer
    close = decide([Scored("a", 90), Scored("b", 85), Scored("c", 40)], limits)
    assert close.decision is Decision.choices and close.offered == ("a", "b")
    assert decide([Scored("a", 45)], limits).decision is Decision.none


def test_an_empty_bank_answers_nothing() -> None:
    assert FaqMatcher(FaqBank(())).match("开店押金", "zh").decision is Decision.none


def test_a_trainers_broken_faq_entry_is_reported_with_file_and_field(content_root: Path) -> None:
    broken = [
        faq_entry("ok-entry", ("好", "fine"), ["一", "二", "三"], ["one", "two"], lesson="no-such-lesson"),
        {"id": "Bad Id", "answer": {"zh": "好"}, "questions": {"zh": ["一"], "en": []}},
        faq_entry("ok-entry", ("重复", "again"), ["四", "五", "六"], ["four", "five"]),
    ]
    write_yaml(content_root / "content" / "faq" / "broken.yaml", broken)
    with pytest.raises(ContentError) as caught:
        load_curriculum(content_root)
    text = str(caught.value)
    assert "content/faq/broken.yaml: ok-entry.lesson: no lesson with id 'no-such-lesson'" in text
    assert "content/faq/broken.yaml: [2].id (Bad Id)" in text
    assert "content/faq/broken.yaml: [2].answer.en (Bad Id)" in text
    assert "content/faq/broken.yaml: ok-entry.id: already used in content/faq/broken.yaml" in text


def test_an_answer_longer_than_the_elder_friendly_limit_is_reported(content_root: Path) -> None:
    long = faq_entry("too-long", ("字" * 201, "short"), ["一", "二", "三"], ["one", "two"])
    write_yaml(content_root / "content" / "faq" / "long.yaml", [long])
    result = run_cli("validate", "--lang", "en", "--content", str(content_root))
    assert result.returncode == 1
    assert "content/faq/long.yaml · too-long, answer, Chinese: is 201 characters" in result.stderr


def test_faq_ask_prints_json_for_scripts(content_root: Path) -> None:
    result = run_cli("faq", "ask", "开店押金能退吗", "--json", "--content", str(content_root))
    data = json.loads(result.stdout)
    assert data["decision"] == "answer"
    assert data["matches"][0]["id"] == "shop-deposit"
    assert 0 <= data["matches"][-1]["score"] <= data["matches"][0]["score"] <= 100


def test_faq_ask_can_use_another_bank(content_root: Path, tmp_path: Path) -> None:
    other = write_yaml(
        tmp_path / "other.yaml",
        [
            faq_entry(
                "pig-fever",
                ("请兽医看。", "Call a vet."),
                ["猪发烧了", "猪不吃食", "猪瘟怎么防"],
                ["pig fever", "pig sick"],
            )
        ],
    )
    result = run_cli(
        "faq", "ask", "猪发烧不吃食", "--faq", str(other), "--json", "--content", str(content_root)
    )
    assert json.loads(result.stdout)["matches"][0]["id"] == "pig-fever"


def test_the_shipped_bank_is_big_enough_and_covers_every_track() -> None:
    bank = load_faq_bank(Path(__file__).resolve().parents[1] / "content" / "faq")
    prefixes = {e.id.split("-")[0] for e in bank.entries}
    assert len(bank) >= 80 and {"bot", "ecom", "live", "mach"} <= prefixes
    for entry in bank.entries:
        assert len(entry.questions.zh) >= 3 and len(entry.questions.en) >= 2, entry.id


def test_the_small_test_bank_is_what_the_builder_writes(content_root: Path) -> None:
    written = yaml.safe_load((content_root / "content" / "faq" / "small.yaml").read_text(encoding="utf-8"))
    assert [e["id"] for e in written] == [e["id"] for e in SMALL_FAQ]


# ----- how farmers really write (issue 14) ------------------------------------------------------

TABLE = {
    "fillers": {"zh": ["那个", "就是", "嗯"], "en": ["um", "uh", "you know"]},
    "replace": {"zh": {"咋整": "怎么办", "晓得": "知道", "pdd": "拼多多"}, "en": {"pls": "please"}},
    "greetings": {"zh": ["老师你好", "你好"], "en": ["hello teacher", "hello"]},
    "question_words": {"zh": {"cost": ["多少钱", "要钱"]}, "en": {"cost": ["how much"]}},
}


def spoken_table(data: object = TABLE) -> SpokenTable:
    problems: list[Problem] = []
    table = SpokenTable.from_data(data, "content/faq/_normalise.yaml", problems)
    assert problems == []
    return table


@pytest.fixture(scope="module")
def shipped() -> FaqMatcher:
    return FaqMatcher.for_curriculum(load_curriculum(Path(__file__).resolve().parents[1]))


def test_voice_typing_fillers_repeats_and_dialect_words_become_the_standard_words() -> None:
    table = Spoken(spoken_table())
    assert table.standard(normalise("嗯嗯那个就是就是网店咋整"), "zh") == "网店怎么办"
    assert table.standard(normalise("在pdd上卖"), "zh") == "在拼多多上卖"
    # one character said twice is a word (谢谢, 天天); three times or more is a stammer
    assert table.standard(normalise("天天有人问 嗯嗯嗯"), "zh") == "天天有人问"
    assert table.standard(normalise("谢谢老师"), "zh") == "谢谢老师"  # whole, so the greeting is cut
    assert table.standard(normalise("um how do i uh ship pls"), "en") == "how do i ship please"


def test_a_filler_inside_a_longer_one_never_leaves_part_of_it_behind() -> None:
    # 就是说 goes whole, not 就是 first leaving 说; the table's words used to be a set, whose order
    # (and so the message read) changed from one process to the next
    fillers = ["就是", "就是说", "然后", "然后呢", "那个", "那个啥", "我跟你说", "跟你说"]
    table = Spoken(spoken_table({"fillers": {"zh": fillers, "en": ["you know", "know"]}}))
    said = "就是说要我的验证码 然后呢我没给 那个啥 我跟你说他还打"
    assert table.standard(normalise(said), "zh") == "要我的验证码 我没给 他还打"
    assert table.standard(normalise("you know the parcel"), "en") == "the parcel"


def test_the_shipped_table_reads_cantonese_and_everyday_english_as_the_banks_words(
    shipped: FaqMatcher,
) -> None:
    spoken = shipped.spoken
    assert spoken.standard(normalise("點解我嘅店冇人睇"), "zh") == "为什么我的店没有人看"
    assert spoken.standard(normalise("快递丢咗點算"), "zh") == "快递丢了怎么办"
    said = spoken.standard(normalise("I want my money back, the package is leaking"), "en")
    assert said == "i want my refund the parcel is damaged"
    assert spoken.standard(normalise("auto-steer on my cell phone"), "en") == "autosteer on my phone"
    # texting spellings too short or too far for the speller read as the words they stand for
    texted = shipped.content_words("wat shud i do abt my fone, ppl dont get my msg", "en")
    spelled = shipped.content_words("what should i do about my phone, people don't get my message", "en")
    assert texted == spelled


def test_an_english_phrase_in_the_table_is_replaced_whole_and_only_whole() -> None:
    data = {**TABLE, "replace": {"zh": {}, "en": {"money back": "refund", "pls": "please"}}}
    table = Spoken(spoken_table(data))
    assert table.standard(normalise("I want my Money-Back pls"), "en") == "i want my refund please"
    # part of a longer word is not the phrase
    assert table.standard(normalise("money backs"), "en") == "money backs"
    assert table.standard(normalise("my money is back"), "en") == "my money is back"


def test_greetings_are_cut_and_question_words_are_recognised() -> None:
    table = Spoken(spoken_table())
    assert table.without_greetings("王老师你好 我想问", "zh") == "王 我想问"
    assert table.without_greetings("hello teacher how do i ship", "en") == "how do i ship"
    assert table.kinds("商标注册要多少钱", "zh") == {"cost"}
    assert table.kinds("how much is it", "en") == {"cost"} and table.kinds("how is it", "en") == set()


def test_a_greeting_in_latin_letters_or_digits_is_cut_from_a_chinese_message() -> None:
    # pinyin greetings, and 88 (bye-bye): Chinese text is only searched for Latin greetings when
    # it has a letter in it, unless a greeting has none
    data = {**TABLE, "greetings": {"zh": ["老师你好", "laoshi hao", "88"], "en": ["hello"]}}
    table = Spoken(spoken_table(data))
    assert table.without_greetings("laoshi hao 快递丢了", "zh") == "快递丢了"
    assert table.without_greetings("快递丢了咋办 88", "zh") == "快递丢了咋办"
    lettered = {**TABLE, "greetings": {"zh": ["laoshi hao"], "en": ["hello"]}}
    assert Spoken(spoken_table(lettered)).without_greetings("快递丢了咋办 88", "zh") == "快递丢了咋办 88"


def test_a_trainers_mistake_in_the_spoken_table_names_the_file_and_field() -> None:
    problems: list[Problem] = []
    broken = {"fillers": {"zh": "那个"}, "replace": {"zh": ["咋整"]}, "slang": {}}
    SpokenTable.from_data(broken, "content/faq/_normalise.yaml", problems)
    shown = {str(p) for p in problems}
    assert "content/faq/_normalise.yaml: fillers.zh: should be a list of words" in shown
    assert "content/faq/_normalise.yaml: replace.zh: should be a mapping" in shown
    assert any(s.startswith("content/faq/_normalise.yaml: slang: unknown section") for s in shown)


def entry(entry_id: str, answer: tuple[str, str], zh: list[str], en: list[str]) -> FaqEntry:
    """An FAQ entry checked as the bank checks it."""
    return FaqEntry.model_validate(faq_entry(entry_id, answer, zh, en))


def test_a_real_word_the_bank_does_not_use_is_not_corrected_to_one_it_does() -> None:
    entries = [
        entry(
            "live-accent",
            ("说慢点。", "Speak slowly."),
            ["口音重", "方言", "说话听不懂"],
            ["my accent is strong", "heavy accent"],
        ),
        entry(
            "returns",
            ("七天可退。", "7 days."),
            ["退货", "退货规则", "能退吗"],
            ["can buyers send goods back", "return rules"],
        ),
    ]
    plain = FaqMatcher(FaqBank(entries, spoken_table()))
    listed = FaqMatcher(FaqBank(entries, spoken_table({**TABLE, "spelled_right": {"en": ["accept"]}})))
    # accept is one letter from accent: read as a typo of it without the list, left alone with it
    asked = "must i accept returns"
    assert plain.read(asked, "en").ranked[0].id == "live-accent"
    assert listed.read(asked, "en").ranked[0].id == "returns"
    assert listed.entry_scores(asked, "en")[0] < plain.entry_scores(asked, "en")[0]
    # a real typo is still corrected
    assert listed.read("my acent is strong", "en").ranked[0].id == "live-accent"
    assert listed.entry_scores("my acent", "en")[0] == plain.entry_scores("my acent", "en")[0] > 0


def test_a_message_whose_clauses_all_tell_is_asked_by_its_last_clause() -> None:
    # no clause has a question word: the last one, after who they are, is what they ask about
    parts = split_message("hi, my daughter set up my phone for me, sensor not working right", normalise)
    assert [parts.clauses[i] for i in parts.asking] == ["sensor not working right"]
    assert (len(parts.clauses) - 1,) in parts.pieces  # scored alone, as well as with the whole
    assert split_message("sensor not working right", normalise).pieces == ((0,),)


def test_a_long_message_is_cut_into_the_clauses_that_ask_something() -> None:
    parts = split_message("王老师你好，我是李家村的，我儿子在外地。想问问开店要交押金吗？", normalise)
    asked = [parts.clauses[i] for i in parts.asking]
    assert asked == ["想问问开店要交押金吗"]
    # the whole is scored too, without the clauses that only say who the farmer is
    assert parts.pieces[0] == tuple(i for i in range(len(parts.clauses)) if i not in parts.context)
    assert [parts.clauses[i] for i in parts.context] == ["我是李家村的", "我儿子在外地"]
    english = split_message(
        "hello, my son is away. do i pay a deposit, and also when is it refunded", normalise
    )
    assert [english.clauses[i] for i in english.asking] == ["do i pay a deposit", "when is it refunded"]


def test_greetings_and_family_context_do_not_hide_the_question(shipped: FaqMatcher) -> None:
    question = "开网店那个保证金交了以后还能退回来不"
    message = "李老师您好！我是后山村的老刘，今年六十了，闺女在城里上班。我想问一下" + question
    deposit = shipped.ids.index("ecom-shop-deposit")
    alone, in_context = shipped.entry_scores(question, "zh"), shipped.entry_scores(message, "zh")
    assert in_context[deposit] >= 0.9 * alone[deposit]  # the context costs it (almost) nothing
    # what the question alone finds best, the message finds best too
    assert shipped.match(message, "zh").matches[0].id == shipped.match(question, "zh").matches[0].id


def test_two_questions_in_one_message_are_both_offered(curriculum: Curriculum) -> None:
    matcher = FaqMatcher.for_curriculum(curriculum)
    match = matcher.match("开店要交押金吗？还有，无人机电池怎么充电", "zh")
    assert match.decision is Decision.choices
    assert {"shop-deposit", "drone-charge"} <= set(match.offered)


def test_a_question_word_the_entry_does_not_answer_counts_against_it(curriculum: Curriculum) -> None:
    plain = FaqMatcher(curriculum.faq)
    aware = FaqMatcher(FaqBank(curriculum.faq.entries, spoken_table()))
    battery = plain.ids.index("drone-battery")
    question = "无人机电池鼓包了换一块多少钱"
    assert aware.entry_scores(question, "zh")[battery] < plain.entry_scores(question, "zh")[battery]
    # the entry that does talk about money is not held back
    deposit = plain.ids.index("shop-deposit")
    asked = "开店押金要多少钱"
    assert aware.entry_scores(asked, "zh")[deposit] == plain.entry_scores(asked, "zh")[deposit]


def test_pinyin_typed_without_spaces_and_latin_shorthand_find_the_entry(shipped: FaqMatcher) -> None:
    assert shipped.match("yajinnengtuima", "zh").matches[0].id == "ecom-shop-deposit"
    assert shipped.match("抖音live没人看咋整", "zh").matches[0].id == "live-no-viewers"


def test_no_single_common_word_is_answered_outright_anywhere_in_the_bank(shipped: FaqMatcher) -> None:
    for lang in ("zh", "en"):
        owners: dict[str, set[str]] = {}
        for entry in shipped.bank.entries:
            for text in [*entry.questions.get(lang), *entry.keywords.get(lang)]:
                for word in shipped.content_words(text, lang):
                    owners.setdefault(word, set()).add(entry.id)
        common = sorted(w for w, ids in owners.items() if len(ids) >= 2)
        assert len(common) > 100, lang
        answered = [w for w in common if shipped.match(w, lang).decision is Decision.answer]
        assert answered == [], f"{lang}: {answered[:10]}"


def test_an_everyday_word_only_one_phrasing_uses_is_not_answered_alone(shipped: FaqMatcher) -> None:
    # 吃饭 is in one phrasing (eating after spraying), not among that entry's keywords: chit-chat
    reading = shipped.read("你吃饭了没", "zh")
    assert reading.ranked[0].id == "mach-ppe" and reading.one_word
    assert shipped.match("你吃饭了没", "zh").decision is not Decision.answer
    # a keyword only one entry lists still names that entry
    assert shipped.match("测报灯", "zh").decision is Decision.answer
    assert shipped.match("测报灯", "zh").offered == ("mach-iot-sensors",)


def test_an_entry_sharing_one_word_with_a_longer_question_is_never_answered_outright(
    shipped: FaqMatcher,
) -> None:
    # 化肥 names the fertilising entry's topic; 涨价 is something no entry answers.
    reading = shipped.read("化肥是不是又涨价了", "zh")
    assert reading.ranked[0].id == "mach-precision-fert" and reading.one_word
    assert shipped.match("化肥是不是又涨价了", "zh").decision is not Decision.answer
    # two words held: the entry may be answered (the rule does not block real questions)
    assert not shipped.read("化肥兑水跟着滴灌走行不行", "zh").one_word


def test_the_clause_that_says_what_it_is_about_still_counts_in_a_two_clause_message(
    shipped: FaqMatcher,
) -> None:
    # The asking clause alone (无人机能打药不) looks like the drone-rules entry; what it is about
    # (the wind, a power line) is in the clause before it.
    assert shipped.read("风有点大，无人机能打药不", "zh").ranked[0].id == "mach-drone-wind"
    assert shipped.read("地里有高压线，无人机能打药不", "zh").ranked[0].id == "mach-power-lines"


def test_choices_are_only_the_entries_close_to_the_best() -> None:
    limits = Thresholds(answer=80, margin=10, choices=40, gap=8)
    match = decide([Scored("a", 70), Scored("b", 66), Scored("c", 45)], limits)
    assert match.decision is Decision.choices and match.offered == ("a", "b")


def test_a_clear_lead_counts_towards_an_answer_but_one_common_word_never_answers() -> None:
    limits = Thresholds(answer=90, margin=10, choices=40, lead=0.5)
    assert decide([Scored("a", 75), Scored("b", 40)], limits).decision is Decision.answer
    assert decide([Scored("a", 75), Scored("b", 60)], limits).decision is Decision.choices
    assert decide([Scored("a", 99), Scored("b", 10)], limits, one_word=True).decision is Decision.choices


def _store_questions(db_url: str, asked: list[tuple[str, str, str | None]]) -> None:
    upgrade(db_url)
    with Session(make_engine(db_url)) as session:
        for n, (text, decision, best) in enumerate(asked):
            when = datetime(2026, 5, 1, 8, tzinfo=UTC) + timedelta(hours=n)
            session.add(
                FaqQuestion(
                    learner_id=1, asked_at=when, lang="zh", text=text, decision=decision, best_id=best
                )
            )
        session.commit()


def test_a_trainer_sees_unanswered_questions_grouped_with_counts(content_root: Path, db_url: str) -> None:
    _store_questions(
        db_url,
        [
            ("开店押金能退吗", "choices", "shop-deposit"),
            ("押金能不能退", "none", "shop-deposit"),
            ("能退押金吗", "none", None),
            ("猪发烧了怎么办", "none", None),
            ("开店要交押金吗", "answer", "shop-deposit"),  # answered: not listed
        ],
    )
    result = run_cli("faq", "unanswered", "--json", "--db", db_url, "--content", str(content_root))
    groups = json.loads(result.stdout)
    assert [g["times"] for g in groups] == [3, 1]
    assert groups[0]["text"] == "能退押金吗" and groups[0]["choices"] == 1 and groups[0]["no_answer"] == 2
    assert groups[0]["closest_entry"] == "shop-deposit"
    assert groups[1]["wordings"] == ["猪发烧了怎么办"]


def test_an_asking_clause_alone_lifts_an_entry_only_so_far_above_the_whole_message() -> None:
    entries = [
        entry(
            "eggs-broken",
            ("包好再寄。", "Pack each egg on its own."),
            ["鸡蛋寄到就碎了", "快递把蛋压坏了", "蛋寄出去破了"],
            ["eggs arrive broken in the parcel", "the courier crushed my eggs"],
        ),
        entry(
            "stop-it",
            ("在设置里关掉。", "Turn it off in the settings."),
            ["有办法关掉吗", "能不让它这样吗", "怎么停掉"],
            ["is there any way to stop it", "can i turn that off"],
        ),
    ]
    settings = MatcherSettings(whole_weight=0.6)
    free = FaqMatcher(FaqBank(entries, spoken_table()), settings)
    capped = FaqMatcher(FaqBank(entries, spoken_table()), replace(settings, piece_margin=10.0))
    whole_only = FaqMatcher(FaqBank(entries, spoken_table()), replace(settings, piece_margin=0.0))
    asked = (
        "hello teacher, I keep ducks and sell the eggs online, last week the parcels came broken, "
        "is there any way to stop it"
    )
    generic = 1  # the entry that shares only the asking clause's words
    lifted = free.entry_scores(asked, "en")[generic]
    whole = whole_only.entry_scores(asked, "en")[generic]  # a margin of 0 leaves the whole's score
    kept = capped.entry_scores(asked, "en")[generic]
    assert lifted > whole + 0.4 * 10.0  # on its own, the asking clause carries it far
    assert kept == pytest.approx(whole + 0.4 * 10.0)  # the clause's 40% share, at most 10 above the whole
    assert capped.read(asked, "en").ranked[0].id == "eggs-broken"
