# hearth — the web pages' catalog (English). Every word of the dashboard,
# the public leaderboard and their refusal pages. Keys match zh-CN/web.ftl.

## Frame
web-brand = hearth
web-footer = Served by hearth, self-hosted.
web-nav-dashboard = Dashboard
web-nav-ledger = Ledger audit
web-nav-board = Public leaderboard
web-signed-in-as = Signed in as { $name }
web-sign-out = Sign out
web-signed-out-title = Signed out
web-signed-out-body = You are signed out. Type /dashboard in the chat for a new link.

## Login
web-login-title = Sign in to { $community }
web-login-body = You are signing in as { $name }. The link works once, for 10 minutes.
web-login-continue = Continue

## Refusals
web-refusal-400-title = That address is not valid
web-refusal-400-body = A value in the address is not one this page takes. Check it and try again.
web-refusal-401-title = Not signed in
web-refusal-401-body = This link or session has expired or was already used. Type /dashboard in the chat for a new link.
web-refusal-403-title = Not allowed
web-refusal-403-body = You are signed in for another community.
web-refusal-csrf-body = This form is out of date. Reload the page and try again.
web-refusal-404-title = Not found
web-refusal-404-body = There is nothing at this address.
web-refusal-500-title = Something went wrong
web-refusal-500-body = Please try again in a moment.

## Dashboard
web-dashboard-title = { $community }: dashboard
web-range-label = Range
web-range-days = { $days } days
web-range-span = { $first } to { $last }
web-day-short = { $day } { $month }
web-percent = { $value }%
web-csv = CSV
web-data-table = Data
web-empty = Nothing here yet.
web-never = never
web-section-kpis = Key figures
web-kpi-members = Members
web-kpi-dau = Active per day (average)
web-kpi-wau = Active in 7 days
web-kpi-mau = Active in 30 days
web-kpi-stickiness = DAU/MAU
web-kpi-checkin-rate = Check-in rate
web-kpi-checkins = Check-ins
web-kpi-active = Active members
web-kpi-new-members = New members
web-kpi-gives = Gives
web-kpi-topic-replies = Topic replies
web-kpi-challenge-entries = Challenge entries
web-kpi-challenge-votes = Challenge votes
web-section-points = Points issued by kind
web-kind-checkin = Check-in
web-kind-streak_bonus = Streak bonus
web-kind-peer_award = Give
web-kind-topic_reply = Topic reply
web-kind-challenge_entry = Challenge entry
web-kind-challenge_win = Challenge win
web-kind-admin_award = Admin award
web-kind-admin_revoke = Admin revoke

## Charts
web-axis-members = Members
web-axis-percent = Per cent
web-series-checkins = Check-ins
web-series-active = Active members
web-series-rate = Check-in rate
web-series-core = Core
web-series-casual = Casual
web-series-dormant = Dormant
web-series-entries = Entries
web-series-voters = Voters
web-chart-activity-title = Check-ins and active members per day
web-chart-activity-alt = From { $first } to { $last }: { $checkins } check-ins in all; at most { $peak } members active on one day.
web-chart-rate-title = Check-in rate per day
web-chart-rate-alt = From { $first } to { $last } the daily check-in rate went from { $low }% to { $high }%, { $average }% on average.
web-chart-segments-title = Segments over time
web-chart-segments-alt = At the end of the range: { $core } core, { $casual } casual and { $dormant } dormant members.
web-chart-streaks-title = Streak-length distribution
web-chart-streaks-alt = { $members } members in all; the largest group, { $most } members, has a streak of { $bucket } days.
web-chart-heatmap-title = Check-ins by weekday and hour
web-chart-heatmap-alt = The busiest hour: { $weekday } at { $hour }:00, with { $count } check-ins.
web-chart-heatmap-alt-empty = No check-ins in this range.
web-chart-challenges-title = Challenge participation per week
web-chart-challenges-alt = { $entries } entries and { $voters } voters over { $weeks } weeks.

## Tables
web-section-cohorts = Weekly retention cohorts
web-cohorts-note = Of the members first seen in a week, the share active in each week after it.
web-section-topics = Topics ranked by replies
web-section-at-risk = At risk
web-at-risk-note = Members who were active before and have gone quiet.
web-col-day = Day
web-col-checkins = Check-ins
web-col-active = Active
web-col-members = Members
web-col-rate = Check-in rate
web-col-week = Week of
web-col-cohort-size = New members
web-col-week-after = +{ $n } wk
web-col-core = Core
web-col-casual = Casual
web-col-dormant = Dormant
web-col-streak = Streak (days)
web-col-weekday = Weekday
web-col-topic = Topic
web-col-posted = Posted
web-col-replies = Replies
web-col-entries = Entries
web-col-voters = Voters
web-col-member = Member
web-col-last-active = Last active
web-col-checkins-before = Check-ins before
web-col-at = When
web-col-delta = Points
web-col-kind = Kind
web-col-reason = Reason
web-col-actor = Caused by
web-col-rank = Rank
web-col-points = Points
web-col-level = Level
web-col-badges = Badges
web-actor-rule = rule

## Ledger audit
web-ledger-title = { $community }: ledger audit
web-filter-member = Member
web-filter-kind = Kind
web-filter-any-kind = Any kind
web-filter-apply = Filter
web-page-prev = Previous
web-page-next = Next
web-page-n = Page { $page }

## Public leaderboard
web-board-title = { $community }: leaderboard
web-window-all = All time
web-window-week = This week
web-window-month = This month
web-window-season = This season
web-search-label = Search by name
web-search-button = Search
web-level = Level { $level }
web-level-progress = { $points } of { $next } points
web-level-top = Top level, { $points } points
web-board-empty = No one matches on this board.

## Member card
web-member-points = Points
web-member-level = Level
web-member-streak = Streak
web-member-best-streak = Best streak
web-member-days = { $days } days
web-member-badges = Badges
web-member-no-badges = No badges yet.
web-member-calendar = Check-ins in the last 12 weeks
web-calendar-checked = { $date }: checked in
web-calendar-missed = { $date }: no check-in
web-calendar-summary = { $count } check-ins in the last 12 weeks.
web-member-back = Back to the leaderboard
