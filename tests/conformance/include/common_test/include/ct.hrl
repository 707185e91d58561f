%% Used only when common_test is not installed: the macros the emulator
%% suites use, for tests/conformance/ct_lite.erl's ct and test_server.
-define(line,).
-define(config, test_server:lookup_config).
-define(CT_PEER_NAME(Case), test_server:peer_name(?MODULE_STRING, Case)).
-define(CT_PEER_NAME(), ?CT_PEER_NAME(?FUNCTION_NAME)).
-define(CT_PEER(Opts), test_server:start_peer(Opts, ?MODULE, ?FUNCTION_NAME)).
-define(CT_PEER(), ?CT_PEER([])).
-define(CT_PEER(Opts, Release, PrivDir), test_server:start_peer(Opts, ?MODULE, ?FUNCTION_NAME, Release, PrivDir)).
