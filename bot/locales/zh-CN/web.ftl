# hearth —— 网页的消息目录（简体中文）：管理后台、公开排行榜和各种拒绝页面。
# 键名必须与 en/web.ftl 完全一致。

## 框架
web-brand = hearth
web-footer = 由 hearth 提供，自行部署。
web-nav-dashboard = 数据看板
web-nav-ledger = 积分流水审计
web-nav-board = 公开排行榜
web-signed-in-as = 当前登录：{ $name }
web-sign-out = 退出登录
web-signed-out-title = 已退出登录
web-signed-out-body = 你已退出登录。如需新的登录链接，请在群里发送 /dashboard。

## 登录
web-login-title = 登录 { $community }
web-login-body = 你将以 { $name } 的身份登录。此链接只能使用一次，10 分钟内有效。
web-login-continue = 继续

## 拒绝
web-refusal-400-title = 地址无效
web-refusal-400-body = 地址中有此页面不接受的参数，请检查后重试。
web-refusal-401-title = 尚未登录
web-refusal-401-body = 此链接或会话已过期或已被使用。请在群里发送 /dashboard 获取新链接。
web-refusal-403-title = 无权访问
web-refusal-403-body = 你登录的是另一个社群。
web-refusal-csrf-body = 此表单已过期，请刷新页面后重试。
web-refusal-404-title = 找不到页面
web-refusal-404-body = 这个地址没有内容。
web-refusal-500-title = 出了点问题
web-refusal-500-body = 请稍后再试。

## 数据看板
web-dashboard-title = { $community }：数据看板
web-range-label = 时间范围
web-range-days = 近 { $days } 天
web-range-span = { $first } 至 { $last }
web-day-short = { $monthnum }月{ $day }日
web-percent = { $value }%
web-csv = CSV
web-data-table = 数据
web-empty = 暂无数据。
web-never = 从未
web-section-kpis = 关键指标
web-kpi-members = 成员
web-kpi-dau = 日均活跃
web-kpi-wau = 近 7 天活跃
web-kpi-mau = 近 30 天活跃
web-kpi-stickiness = 日活/月活
web-kpi-checkin-rate = 签到率
web-kpi-checkins = 签到次数
web-kpi-active = 活跃成员
web-kpi-new-members = 新成员
web-kpi-gives = 赠分次数
web-kpi-topic-replies = 话题回复
web-kpi-challenge-entries = 挑战投稿
web-kpi-challenge-votes = 挑战投票
web-section-points = 各类积分发放
web-kind-checkin = 签到
web-kind-streak_bonus = 连签奖励
web-kind-peer_award = 赠分
web-kind-topic_reply = 话题回复
web-kind-challenge_entry = 挑战投稿
web-kind-challenge_win = 挑战获胜
web-kind-admin_award = 管理员奖励
web-kind-admin_revoke = 管理员扣分

## 图表
web-axis-members = 人数
web-axis-percent = 百分比
web-series-checkins = 签到次数
web-series-active = 活跃成员
web-series-rate = 签到率
web-series-core = 核心
web-series-casual = 普通
web-series-dormant = 沉睡
web-series-entries = 投稿
web-series-voters = 投票人数
web-chart-activity-title = 每日签到与活跃成员
web-chart-activity-alt = { $first } 至 { $last }：共签到 { $checkins } 次，单日最多 { $peak } 名成员活跃。
web-chart-rate-title = 每日签到率
web-chart-rate-alt = { $first } 至 { $last }，每日签到率在 { $low }% 到 { $high }% 之间，平均 { $average }%。
web-chart-segments-title = 成员分层变化
web-chart-segments-alt = 范围末尾：核心成员 { $core } 人，普通成员 { $casual } 人，沉睡成员 { $dormant } 人。
web-chart-streaks-title = 连签天数分布
web-chart-streaks-alt = 共 { $members } 名成员；人数最多的一组有 { $most } 人，连签 { $bucket } 天。
web-chart-heatmap-title = 按星期和小时的签到分布
web-chart-heatmap-alt = 最活跃的时段：{ $weekday } { $hour }:00，共签到 { $count } 次。
web-chart-heatmap-alt-empty = 此范围内没有签到。
web-chart-challenges-title = 每周挑战参与情况
web-chart-challenges-alt = { $weeks } 周内共有 { $entries } 份投稿、{ $voters } 人投票。

## 表格
web-section-cohorts = 每周留存
web-cohorts-note = 每周首次出现的成员中，在之后各周仍然活跃的比例。
web-section-topics = 按回复数排序的话题
web-section-at-risk = 流失预警
web-at-risk-note = 之前活跃、最近沉寂下来的成员。
web-col-day = 日期
web-col-checkins = 签到
web-col-active = 活跃
web-col-members = 成员
web-col-rate = 签到率
web-col-week = 起始周
web-col-cohort-size = 新成员
web-col-week-after = 第 { $n } 周
web-col-core = 核心
web-col-casual = 普通
web-col-dormant = 沉睡
web-col-streak = 连签（天）
web-col-weekday = 星期
web-col-topic = 话题
web-col-posted = 发布时间
web-col-replies = 回复
web-col-entries = 投稿
web-col-voters = 投票人数
web-col-member = 成员
web-col-last-active = 最近活跃
web-col-checkins-before = 此前签到
web-col-at = 时间
web-col-delta = 积分
web-col-kind = 类型
web-col-reason = 原因
web-col-actor = 操作者
web-col-rank = 名次
web-col-points = 积分
web-col-level = 等级
web-col-badges = 徽章
web-actor-rule = 规则

## 积分流水审计
web-ledger-title = { $community }：积分流水审计
web-filter-member = 成员
web-filter-kind = 类型
web-filter-any-kind = 全部类型
web-filter-apply = 筛选
web-page-prev = 上一页
web-page-next = 下一页
web-page-n = 第 { $page } 页

## 公开排行榜
web-board-title = { $community }：排行榜
web-window-all = 总榜
web-window-week = 本周
web-window-month = 本月
web-window-season = 本赛季
web-search-label = 按名字搜索
web-search-button = 搜索
web-level = 等级 { $level }
web-level-progress = { $points } / { $next } 积分
web-level-top = 已达最高等级，{ $points } 积分
web-board-empty = 这个榜单上没有符合条件的成员。

## 成员卡片
web-member-points = 积分
web-member-level = 等级
web-member-streak = 连签
web-member-best-streak = 最长连签
web-member-days = { $days } 天
web-member-badges = 徽章
web-member-no-badges = 还没有徽章。
web-member-calendar = 近 12 周签到
web-calendar-checked = { $date }：已签到
web-calendar-missed = { $date }：未签到
web-calendar-summary = 近 12 周共签到 { $count } 次。
web-member-back = 返回排行榜
