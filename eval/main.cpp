// reprise-eval: replays every case under eval/ through the shared client in
// cached mode, one Catch2 test case per case, and prints a summary table.
#include "reprise/eval/replay_session.hpp"

int main(int argc, char** argv) { return reprise::eval::run_replay_session(argc, argv); }
