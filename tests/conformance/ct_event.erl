%% Stand-in for common_test's ct_event: benchmark notifications go nowhere.
-module(ct_event).
-export([notify/1, sync_notify/1]).
notify(_) -> ok.
sync_notify(_) -> ok.
