## 以图片和在仪表盘页面上绘制的图表

# 周报图表：本周每天的数据，与上周对比。
chart-digest-title = { $community }：{ $from } 至 { $to }
chart-day = { $weekday } { $day }日
chart-per-day = 每日
chart-checkins = 签到
chart-checkins-before = 签到（上周）
chart-active = 活跃成员
chart-active-before = 活跃成员（上周）
chart-digest-alt = { $from } 至 { $to } 每日签到：{ $checkins }（上周：{ $checkins_before }）。每日活跃成员：{ $active }（上周：{ $active_before }）。
