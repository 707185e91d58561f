%% Used only when common_test is not installed (see ct.hrl here).
-record(event, {name, node, data}).
