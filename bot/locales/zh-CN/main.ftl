# hearth —— 简体中文消息目录。
# 机器人写出的每一句话都在这里。键名必须与 en/main.ftl 完全一致。

## 日期与时间（社群时区）
datetime = { $monthnum }月{ $day }日 { $weekday } { $time }
date = { $year }年{ $monthnum }月{ $day }日
wd-mon = 周一
wd-tue = 周二
wd-wed = 周三
wd-thu = 周四
wd-fri = 周五
wd-sat = 周六
wd-sun = 周日
mon-1 = 1月
mon-2 = 2月
mon-3 = 3月
mon-4 = 4月
mon-5 = 5月
mon-6 = 6月
mon-7 = 7月
mon-8 = 8月
mon-9 = 9月
mon-10 = 10月
mon-11 = 11月
mon-12 = 12月

## 积分流水原因（随每条记录保存）
reason-checkin = 每日签到
reason-streak-bonus = 连续签到 { $days } 天奖励
reason-peer-award = 来自 { $giver } 的赠分
reason-peer-award-anonymous = 赠分
# 使用了 /forgetme 的成员在已存帖子中的称呼。
member-forgotten = 一位前成员

## /checkin
checkin-done = ✅ { $name } 签到成功：已连续签到 { $streak } 天。
checkin-restarted = 之前的连签已中断，今天重新开始。
checkin-points = +{ $points } 积分（余额 { $balance }）。
checkin-points-bonus = +{ $points } 积分，另加连签奖励 +{ $bonus }（余额 { $balance }）。
checkin-freeze-used = 用掉 { $used } 张补签卡保住了连签，剩余 { $freezes } 张。
checkin-freeze-earned = ❄️ 获得一张补签卡：现有 { $freezes } 张。
checkin-freezes = 补签卡：{ $freezes } 张。
checkin-next = 下次签到开放时间：{ $opens }。
checkin-already = 你今天已经签到过了（连签 { $streak } 天）。下次签到开放时间：{ $opens }。
badge-earned = 🏅 获得徽章：{ $badge }！
badge-earned-by = 🏅 { $name } 获得徽章：{ $badge }！

## /streak
streak-summary = 连签：{ $streak } 天（最长 { $best } 天）。补签卡：{ $freezes } 张。
streak-done-today = 今天已签到。下次签到开放时间：{ $opens }。
streak-at-risk = 今天还没签到：请在 { $deadline } 之前签到，保住连签。
streak-open = 今天还没签到：发送 /checkin 开始连签。
streak-covered = 今天还没签到：在 { $deadline } 之前签到即可保住连签（你的 { $freezes } 张补签卡会补上在那之前漏掉的天数）。

## /profile
profile-title = { $name } · 等级 { $level }
profile-points = { $balance } 积分；再得 { $missing } 分升到等级 { $next }。
profile-points-max = { $balance } 积分；已达最高等级。
profile-streak = 连签 { $streak } 天（最长 { $best } 天）· 补签卡 { $freezes } 张
profile-badges = 徽章：{ $badges }
list-separator = 、
profile-no-badges = 徽章：暂无
profile-rank = 总排名第 { $rank } 位
profile-unranked = 排名：还没有积分

## /leaderboard
leaderboard-all = 🏆 排行榜：总榜
leaderboard-week = 🏆 排行榜：本周
leaderboard-month = 🏆 排行榜：本月
leaderboard-season = 🏆 排行榜：{ $season }（截至 { $end }）
leaderboard-points = { " — " }{ $points } 分
leaderboard-empty = 这个榜单还没有积分。
leaderboard-you = 你：第 { $rank } 名，{ $points } 积分。
leaderboard-you-none = 你还没有上榜。

## /give 与 /award
give-done = 🎁 { $giver } 送给 { $receiver } { $amount } 积分：{ $reason }
give-left = { $left ->
    [0] 今天的赠送次数已用完。
   *[other] 今天还可以赠送 { $left } 次。
}
award-done = ⭐ { $name } 获得 { $amount } 积分奖励：{ $reason }（余额 { $balance }）。
revoke-done = { $name } 被扣除 { $amount } 积分：{ $reason }（余额 { $balance }）。

## /stats
stats-title = 📊 { $community }：社群数据
stats-members = 成员：{ $members } · 近 7 天活跃：{ $active }
stats-checkins = 今日签到：{ $today }（{ $rate_today }%）· 近 7 天签到率：{ $rate_week }%
stats-streaks = 连签分布：{ $distribution }
stats-segments = 核心：{ $core } · 普通：{ $casual } · 沉睡：{ $dormant }
stats-retention = 周留存：{ $rate }%（{ $of } 人中留下 { $kept } 人）
stats-retention-none = 周留存：上周没有活跃成员。

## /forgetme
forgetme-ask = 这会永久删除你在本社群的签到、积分、徽章和账号关联。确认请发送 /forgetme confirm。
forgetme-done = 已完成：hearth 在本社群保存的关于你的所有数据都已删除。

## 定时推送
post-reminder-title = ⏰ 该签到啦
post-reminder-all-title = 🎉 今天大家都签到了
post-reminder-all = 全部 { $members } 位成员都已签到，谢谢大家，明天见！
post-reminder-count = 今天已有 { $checked }/{ $members } 位成员签到。
post-reminder-streak = { $name }（{ $streak } 天）
post-reminder-at-risk = 以下成员需在 { $deadline } 前签到，否则连签中断：{ $names }
button-checkin = 签到
post-done = 已立即推送 { $schedule }；它的定时安排不变。

## /help
help-title = hearth 命令
help-admin-title = 管理员命令
cmd-checkin = 今日签到，累积连签
cmd-streak = 查看连签、补签卡和下次签到时间
cmd-profile = 积分、等级、连签、徽章和排名
cmd-leaderboard = 总榜、本周、本月或本赛季前 10 名
cmd-give = 用每日额度给其他成员赠送积分
cmd-help = 显示本列表
cmd-forgetme = 删除 hearth 保存的关于你的所有数据
cmd-forgetme-confirm = 确认删除
cmd-award = 给成员发放积分（负数为扣除）
cmd-stats = 社群健康度：活跃、签到率、连签、成员分层
cmd-post = 立即推送某个定时任务的消息
cmd-dashboard = 获取网页数据看板的私密登录链接：图表、留存、流失预警

## 拒绝与错误
error-internal = 我们这边出了点问题，什么都没有改动。请稍后再试。
error-not-admin = 只有管理员可以这样做。
error-unknown-member = 我还不认识 @{ $name }：需要对方先在这里用过一次 hearth 命令，比如 /checkin。
error-give-self = 不能给自己赠送积分。
error-give-bot = 机器人不参与积分。
error-amount-range = 数量必须是 { $min } 到 { $max } 之间的整数。
error-award-range = 数量必须是 { $min } 到 { $max } 之间的整数，且不能为 0。
error-number-too-large = { $arg }：这个数字太大了。用法：{ $usage }
error-allowance-used = 你今天的 { $allowance } 次赠送已用完，将在 { $resets } 重置。
error-no-season = 当前没有进行中的赛季。
error-not-command = 命令以 / 开头。发送 /help 查看命令列表。
error-unknown-command = 没有 /{ $name } 这个命令。发送 /help 查看命令列表。
error-missing-arg = 缺少{ $arg }。用法：{ $usage }
error-invalid-arg = { $arg }：应为{ $expected }。用法：{ $usage }
error-too-long = { $arg }最多 { $max } 个字符。
error-extra-args = 参数太多。用法：{ $usage }
error-unknown-community = 配置中没有 id 为 "{ $id }" 的社群。
unlinked-chat = 这个群还没有关联到 hearth 社群。请管理员把下面这一行加到配置文件中对应社群下：
welcome = 👋 你好，我是 hearth：为本群提供每日签到、连续打卡、话题、挑战和积分。
welcome-linked = 本群属于 { $community }。先试试 /checkin；/help 列出全部命令。
error-unknown-schedule = 没有名为“{ $schedule }”的定时任务。现有：{ $known }
error-no-schedules = 本社群还没有定时任务：请在配置中添加 [[community.schedule]]。
expected-member = 一位成员，例如 @name
expected-integer = 一个整数
expected-choice = 以下之一：{ $choices }
expected-text = 文本

## 话题
topic-post-title = 💬 今日话题
topic-post-hint = 回复这条消息参与讨论（+{ $points } 积分，每个话题一次）。
topic-current-title = 💬 当前话题
topic-current-since = 发布于 { $posted }。回复话题消息可得 { $points } 积分。
topic-none = 还没有发布过话题。
topic-suggested = 谢谢！你的建议编号为 #{ $id }，管理员审核后会加入话题池。
topic-added = 话题 #{ $id } 已加入话题池。
topic-exists = 这个话题已存在，编号 #{ $id }。
topic-approved = 建议 #{ $id } 已通过并加入话题池：{ $text }
topic-no-suggestion = 没有待审核的建议 #{ $id }。
topic-reply-points = 参与话题讨论 +{ $points } 积分。
reason-topic-reply = 话题回复
cmd-topic = 查看当前话题
cmd-topic-suggest = 向话题池提交话题建议
cmd-topic-add = 向话题池添加话题
cmd-topic-approve = 通过成员的话题建议

## 挑战
challenge-title = 🏆 { $theme }
challenge-open-title = 🏆 新挑战：{ $theme }
challenge-open-body = { $by ->
    [admin] 管理员开启投票之前，
   *[schedule] 在 { $deadline } 前
}用 /submit <文字或链接> 提交作品。每份作品得 { $entry_points } 积分，优胜者分别得 { $prizes } 积分。
challenge-show-open = 征集作品中，{ $by ->
    [admin] 直到管理员开启投票
   *[schedule] 截至 { $deadline }
} · 目前 { $entries } 份作品。
challenge-show-voting = 投票中，{ $by ->
    [admin] 直到管理员结束挑战
   *[schedule] 截至 { $deadline }
} · 共 { $entries } 份作品。用 /vote <编号> 投票。
challenge-none = 当前没有进行中的挑战。
challenge-queued = 有挑战正在进行；“{ $theme }”将作为下一个挑战。
challenge-voting-title = 🗳️ 为最佳作品投票：{ $theme }
challenge-voting-hint = { $by ->
    [admin] 管理员结束挑战之前，
   *[schedule] 在 { $deadline } 前
}用 /vote <编号> 或按钮投票。每人一票，可以改票；不能投给自己的作品。
button-vote = 投给 { $number } 号
challenge-results-title = 🏁 挑战结果：{ $theme }
challenge-place-line = { " — " }{ $votes } 票（+{ $points }）
challenge-no-votes = 这次没有人投票，所以没有优胜者。
challenge-participation = 每份作品获得 +{ $points } 积分（共 { $entries } 份）。感谢参与！
challenge-no-entries = 🏁 挑战“{ $theme }”没有收到作品，就此结束。下次见！
challenge-history-title = 🏆 最近的挑战
challenge-history-line = { $theme }：{ $winner }
challenge-history-no-winner = 无优胜者
challenge-history-none = 还没有结束的挑战。
submit-done = 已收到 { $number } 号作品。{ $by ->
    [admin] 管理员开启投票之前
   *[schedule] { $deadline } 前
}可以用 /submit 替换。
submit-replaced = { $number } 号作品已替换。{ $by ->
    [admin] 提交将在管理员开启投票时截止。
   *[schedule] 提交将于 { $deadline } 截止。
}
vote-done = 你已投票给 { $number } 号作品。
vote-changed = 你的票已改投 { $number } 号作品。
error-challenge-not-open = 提交已截止：投票已经开始。
error-challenge-not-voting = 投票还没开始，目前仍在征集作品。
error-challenge-already-voting = 投票已经开始；用 /challenge close 结束挑战。
error-no-entry = 没有 { $number } 号作品；作品编号为 1 到 { $count }。
error-own-entry = 不能投给自己的作品。
reason-challenge-entry = 挑战参与：{ $theme }
reason-challenge-win = 挑战第 { $place } 名：{ $theme }
cmd-challenge = 查看当前挑战：主题、阶段、截止时间
cmd-challenge-history = 最近五次挑战及优胜者
cmd-submit = 提交挑战作品（重新提交会替换之前的作品）
cmd-vote = 按编号为挑战作品投票
cmd-challenge-start = 用指定主题开始挑战（或排为下一个）
cmd-challenge-voting = 立即截止提交并开启投票
cmd-challenge-close = 立即结束挑战并发放奖励

## 每周周报
digest-title = 📰 { $community } 本周周报（{ $from } – { $to }）
digest-activity = 签到 { $checkins } 次 · 活跃成员 { $active } 人 · 新成员 { $new } 人
digest-streaks = 连签最长：{ $names }
digest-points = 本周积分最多：{ $names }
digest-points-entry = { $name }（{ $points } 分）
digest-challenge = 挑战优胜：{ $winner }，作品主题“{ $theme }”

# 帮助和错误提示中的参数名（Discord 的选项名保持不变）。
arg-name-member = 成员
arg-name-amount = 数量
arg-name-reason = 原因
arg-name-note = 备注
arg-name-window = 范围
arg-name-text = 内容
arg-name-entry = 作品
arg-name-entry-number = 编号
arg-name-id = 编号
arg-name-theme = 主题
arg-name-schedule = 定时任务

# Argument descriptions (Discord slash-command options).
arg-member = 成员
arg-amount = 积分数
arg-reason = 原因
arg-note = 今天的备注（可选）
arg-window = 全部、本周、本月或本赛季
arg-text = 话题
arg-entry = 作品
arg-id = 编号
arg-theme = 挑战主题
arg-schedule = 配置中的计划 id

# schedules
post-nothing = { $schedule } 没有推送任何内容。
post-nothing-topic = 没有推送：话题已用完——请用 /topic add <话题> 添加一个。
post-nothing-no-theme = 没有推送：没有可用的新挑战主题——请用 /challenge start <主题> 发起一个。
post-nothing-challenge-running = 没有推送：挑战“{ $theme }”仍在进行中。
post-nothing-voting-begun = 没有推送：“{ $theme }”的投票已经开始。
post-nothing-no-challenge = 没有推送：目前没有进行中的挑战。

## /dashboard
dashboard-link = 你的数据看板登录链接（仅你可见）：只能使用一次，{ $minutes } 分钟内有效。打开后点“继续”。
dashboard-off = 网页数据看板未开启：启动 hearth 时请设置 HEARTH_HTTP_ADDR（对外访问地址请设置 HEARTH_PUBLIC_URL）。
leaderboard-web = 完整排行榜：
