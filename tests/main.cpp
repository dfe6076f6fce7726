// reprise-tests: the unit-test binary. Catch2's implementation and Session
// live in libreprise_catch (src/eval/replay_session.cpp), compiled once for
// every Catch2 binary, so this main() only hands over to it.
#include "reprise/eval/replay_session.hpp"

int main(int argc, char** argv) { return reprise::eval::run_unit_test_session(argc, argv); }
