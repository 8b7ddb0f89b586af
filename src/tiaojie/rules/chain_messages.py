"""The messages of a review chain (`chain` policies): what a `[[step]]` or `[checks]` can get wrong,
and what is said when a chain is asked for a case or is not in force. Joined into the core catalog
when imported."""

from __future__ import annotations

from ..i18n import MESSAGES

CHAIN_MESSAGES: dict[str, tuple[str, str]] = {
    "chain_unknown_role": ("环节「{step}」：角色「{role}」不存在{hint}（可用：{choices}）",
                           "step '{step}': there is no role '{role}'{hint} (use: {choices})"),
    "chain_unknown_level": ("环节「{step}」：单位层级「{level}」不存在{hint}（可用：{choices}）",
                            "step '{step}': there is no unit level '{level}'{hint} (use: {choices})"),
    "chain_notice_days": ("公示环节「{step}」须写明公示天数 notice_days",
                          "the notice step '{step}' needs notice_days, how long the list is published"),
    "chain_notice_days_only": ("环节「{step}」不是公示环节，不能写 notice_days",
                               "step '{step}' is not a notice step: notice_days does not apply"),
    "chain_days_positive": ("环节「{step}」：「{key}」须大于 0 天：{value}",
                            "step '{step}': '{key}' must be more than 0 days: {value}"),
    "chain_first_claim": ("审核链的第一个环节须是申报（action = \"claim\"），这里是「{step}」（{action}）",
                          "a review chain starts with its claim step (action = \"claim\"); here it starts with '{step}' ({action})"),
    "chain_before_claim": ("环节「{step}」（{action}）排在申报环节「{claim}」之前",
                           "step '{step}' ({action}) comes before the claim step '{claim}'"),
    "chain_claim_twice": ("审核链只能有一个申报环节：「{step}」是第二个（第一个是「{first}」）",
                          "a review chain has one claim step: '{step}' is a second one (the first is '{first}')"),
    "chain_last_pay": ("审核链的最后一个环节须是拨付（action = \"pay\"），这里是「{step}」（{action}）",
                       "a review chain ends with its pay step (action = \"pay\"); here it ends with '{step}' ({action})"),
    "chain_pay_not_last": ("拨付环节「{step}」之后还有环节「{after}」：拨付须是最后一个环节",
                           "the pay step '{step}' is followed by '{after}': paying is the last step"),
    "chain_duplicate_step": ("环节编号「{id}」重复（第一次出现在第 {first} 行）",
                             "step id '{id}' is used twice (first on line {first})"),
    "chain_share_range": ("「{key}」须在 0 到 1 之间（如 0.10 即 10%）：{value}",
                          "'{key}' must be between 0 and 1 (0.10 is 10%): {value}"),
    "chain_days_field": ("「{key}」须大于 0 天：{value}", "'{key}' must be more than 0 days: {value}"),
    "chain_kind_forbids": ("「{key}」不适用于审核链（chain 类政策只描述审核环节，不判定案件）",
                           "'{key}' does not apply to a review chain (a chain policy describes review steps; it decides no case)"),
    "chain_not_evaluated": ("政策「{policy}」是审核链（chain 类），只描述申报、审核、公示、拨付的环节，不对案件作出判定",
                            "policy '{policy}' is a review chain (kind chain): it describes the claim, review, notice and "
                            "payment steps and decides no case"),
    "chain_unknown_step": ("审核链「{policy}」没有环节「{step}」{hint}（环节：{choices}）",
                           "the review chain '{policy}' has no step '{step}'{hint} (steps: {choices})"),
    "chain_none": ("规则目录中没有审核链（chain 类政策）：请在 rules/ 下添加，如 review-chain-2026.toml",
                   "the rules hold no review chain (a chain policy): add one under rules/, e.g. review-chain-2026.toml"),
    "chain_not_in_force": ("审核链「{policy}」在 {date} 没有生效的版本（各版本：{ranges}）",
                           "the review chain '{policy}' has no version in force on {date} (versions: {ranges})"),
    # a step in words, as `rules show` and the rules screen list it: who acts, where, in how many days
    "chain_step_line": ("[{id}] {title}：{words}", "[{id}] {title}: {words}"),
    "chain_step_claim": ("{level}的{roles}申报", "claimed by {roles} of {level}"),
    "chain_step_review": ("{level}的{roles}审核", "reviewed by {roles} of {level}"),
    "chain_step_notice": ("{level}的{roles}公示", "published by {roles} of {level}"),
    "chain_step_pay": ("{level}的{roles}拨付", "paid by {roles} of {level}"),
    "chain_step_days": ("限 {days} 天", "within {days} days"),
    "chain_step_notice_days": ("公示期 {days} 天", "on notice for {days} days"),
    "chain_step_no_limit": ("不限天数", "no time limit"),
    "chain_step_and": ("{words}，{more}", "{words}, {more}"),
    "chain_either": ("{some}或{last}", "{some} or {last}"),
    "chain_role_mediator": ("调解员", "mediator"),
    "chain_role_clerk": ("财务", "clerk"),
    "chain_role_policy": ("政策人员", "policy staff"),
    "chain_role_admin": ("管理员", "admin"),
    "chain_level_own": ("申报单位", "the claiming unit"),
    "chain_level_village": ("所在村（社区）", "its village"),
    "chain_level_township": ("上级乡（镇）", "the township above it"),
    "chain_level_county": ("县（市）", "the county"),
    "chain_steps_heading": ("环节（按先后）：", "steps, in order:"),
    "chain_checks_heading": ("核查：", "checks:"),
    "chain_check_follow_up": ("回访抽查：每期调解成功的案件抽取 {share}，至少 {minimum} 件（不足的全部回访）",
                              "follow-up visits: {share} of a period's settled cases, at least {minimum} (all of them when fewer)"),
    "chain_check_duplicate": ("疑似重复：同一当事人、同一纠纷类型 {days} 天内再次申报的，标记为疑似重复",
                              "near-duplicates: the same parties and category claimed again within {days} days are flagged"),
    "chain_diff_step_added": ("新增环节「{title}」：{step}", "new step '{title}': {step}"),
    "chain_diff_step_removed": ("删除环节「{title}」", "step '{title}' removed"),
    "chain_diff_step": ("环节「{title}」{key} {old} → {new}", "step '{title}' {key} {old} → {new}"),
    "chain_diff_order": ("环节顺序 {old} 改为 {new}", "step order {old} becomes {new}"),
    "chain_diff_check": ("核查 {key} {old} → {new}", "check {key} {old} → {new}"),
}


def _join() -> None:
    for key, texts in CHAIN_MESSAGES.items():
        if MESSAGES.setdefault(key, texts) != texts:
            raise RuntimeError(f"message key {key!r} means two things")


_join()
