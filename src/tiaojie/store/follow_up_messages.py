"""The messages of the follow-up checks (回访抽查), claw-backs and the flags shown to reviewers.
They join the one catalog through ``store/messages.py`` (key → (zh, en))."""

from __future__ import annotations

FOLLOW_UP_MESSAGES: dict[str, tuple[str, str]] = {
    "action_follow_up": ("回访抽查（抽取样本、登记回访结果）", "follow-up checks (draw a sample, record a visit's result)"),
    # --- the draw ---------------------------------------------------------------------------------
    "follow_up_period_not_over": (
        "期间 {period} 到 {end} 才结束，结束后才能抽取回访样本（抽样要覆盖该期间全部调解成功的案件）",
        "period {period} runs until {end}; its follow-up sample can be drawn once it is over (the draw covers "
        "every case settled in it)",
    ),
    "follow_up_which_unit": (
        "台账有多个顶级单位（{units}），请用 --unit 指明为哪个单位抽样",
        "the ledger has several top units ({units}); name the unit to draw for with --unit",
    ),
    "follow_up_drawn": (
        "{unit} {period} 的回访样本已由 {by} 于 {at} 抽取（种子 {seed}），不能重抽；"
        "用 tiaojie followup show {period} --unit {code} 查看",
        "the follow-up sample of {unit} for {period} was drawn by {by} at {at} (seed {seed}) and cannot be drawn "
        "again; see it with tiaojie followup show {period} --unit {code}",
    ),
    "follow_up_chain": ("回访抽查比例取自审核流程规则：{detail}", "the follow-up share comes from the review chain: {detail}"),
    "follow_up_seed_blank": ("种子不能为空", "the seed must not be empty"),
    "follow_up_seed_long": ("种子最长 64 个字符：{seed}", "a seed has at most 64 characters: {seed}"),
    "follow_up_sample_heading": (
        "{unit} {period} 回访抽查：调解成功 {population} 件，抽取 {size} 件（比例 {share}，至少 {minimum} 件；种子 {seed}；"
        "{by} 于 {at} 抽取）",
        "follow-up sample of {unit} for {period}: {population} cases settled, {size} drawn (share {share}, at least "
        "{minimum}; seed {seed}; drawn by {by} at {at})",
    ),
    "follow_up_no_sample": (
        "{unit} {period} 尚未抽取回访样本；用 tiaojie followup draw {period} --unit {code} 抽取",
        "no follow-up sample of {unit} for {period} yet; draw one with tiaojie followup draw {period} --unit {code}",
    ),
    "follow_up_pending": ("待回访", "not visited yet"),
    "follow_up_done_on": ("{result}（{day}）", "{result} ({day})"),
    # --- a visit's result -------------------------------------------------------------------------
    "follow_up_no_field": (
        "启用的 fields.toml 没有「回访结果」字段（follow_up_result，枚举 协议已履行/协议未履行/联系不到当事人），"
        "无法登记回访结果",
        "the activated fields.toml has no follow-up result field (follow_up_result, an enumeration of fulfilled / "
        "unfulfilled / unreached); a visit's result cannot be recorded",
    ),
    "follow_up_bad_result": (
        "回访结果「{value}」不是 协议已履行（fulfilled）、协议未履行（unfulfilled）或 联系不到当事人（unreached）",
        "the follow-up result '{value}' is not fulfilled (协议已履行), unfulfilled (协议未履行) or unreached "
        "(联系不到当事人)",
    ),
    "follow_up_not_settled": (
        "案件 {number}（{unit}）不是调解成功的案件（状态：{status}），没有协议可回访",
        "case {number} ({unit}) was not settled (status: {status}): there is no agreement to follow up",
    ),
    "follow_up_date": (
        "案件 {number}（{unit}）的回访日期 {day} 须在调结日期 {settled} 之后、今天 {today} 之前",
        "the follow-up date {day} of case {number} ({unit}) must fall between its settlement on {settled} and "
        "today, {today}",
    ),
    "follow_up_no_open_period": (
        "案件 {number}（{unit}）在已关闭的 {paid_in} 期间已付 {paid} 元，按现行规则应得 {now} 元，需追回 {amount} 元，"
        "但 {paid_in} 之后没有未关闭的期间可以登记调整。本次回访结果未记录；请先用 tiaojie period compute "
        "打开下一期间（如 {next}），再登记回访结果",
        "case {number} ({unit}) was paid {paid} yuan in the closed period {paid_in} and the rules now give it {now}; "
        "{amount} yuan must be clawed back, but no open period after {paid_in} can take the adjustment. The "
        "result was not recorded; open the next period first with tiaojie period compute (e.g. {next}), then "
        "record the result again",
    ),
    "follow_up_claw_reason": (
        "回访抽查：{result}（{day}），按 {policy} {version} 规则「{rule}」收回奖补",
        "follow-up check: {result} ({day}); reward clawed back under {policy} {version} rule '{rule}'",
    ),
    "follow_up_rule_none": ("（无）", "(none)"),
    "follow_up_recorded": (
        "已登记案件 {number}（{unit}）的回访结果：{result}（{day}）",
        "follow-up of case {number} ({unit}) recorded: {result} ({day})",
    ),
    "follow_up_clawed": (
        "在 {paid_in} 已付 {paid} 元，按现行规则应得 {now} 元：已在 {period} 登记调整 {amount} 元",
        "paid {paid} yuan in {paid_in}, the rules now give {now}: an adjustment of {amount} yuan booked in {period}",
    ),
    "follow_up_unchanged": (
        "在 {paid_in} 已付 {paid} 元，按现行规则仍应得 {now} 元，无需调整",
        "paid {paid} yuan in {paid_in}; the rules still give {now}: nothing to adjust",
    ),
    "follow_up_unpaid": (
        "尚未付款：所在期间关账时按现行规则（现为 {now} 元）支付",
        "not paid yet: its period pays what the rules give when it closes (now {now} yuan)",
    ),
    # --- flags shown to reviewers -----------------------------------------------------------------
    "flag_severity_raised": (
        "卷号 {number}（{unit}）调结时纠纷程度为「{then}」，现为「{now}」（{by} 于 {at} 修改）",
        "case {number} ({unit}) was '{then}' when settled and is '{now}' now (changed by {by} at {at})",
    ),
    "flag_near_duplicate": (
        "卷号 {number}（{unit}）与 {others} 当事人相同、纠纷类别（{category}）相同，登记日期相差不超过 {days} 天，"
        "可能是同一纠纷",
        "case {number} ({unit}) has the same parties and category ({category}) as {others}, received within {days} "
        "days of each other: possibly the same dispute",
    ),
    "flag_kind_severity_raised": ("调结后升级", "severity raised"),
    "flag_kind_near_duplicate": ("疑似重复", "near-duplicate"),
    "flags_none": ("{period} 没有需要提示审核人员的案件", "no case of {period} to flag to reviewers"),
    "th_seed_pos": ("序", "#"),
    "th_follow_up": ("回访结果", "follow-up"),
    "th_flag": ("提示", "flag"),
    "th_why": ("原因", "why"),
}
