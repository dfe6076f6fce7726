#pragma once
// The cached replay as a Catch2 session: every case is its own Catch2 test
// case named <agent>/<case-id>, tagged [<agent>] plus the case's tags, whose
// assertions point at the YAML file and line that asked for them. Catch2's
// own options (test specs, --list-tests, -r junit, -o) work as usual; reprise
// adds --eval-root, --stale, --jobs, --no-cache and --summary-out.
//
// How the dynamic registration is done, and why: Catch2 2.13 has no public
// way to register a test case from a closure; its TEST_CASE macros register a
// plain function pointer at static-initialisation time. Underneath, though,
// every test case is an `ITestInvoker` object handed to
// `getMutableRegistryHub().registerTest(makeTestCase(...))`. A case needs its
// own state (which case it is), so each one is registered with a small
// invoker object holding its index, after the cases are loaded and before
// `Session::run`. Assertions are reported with `AssertionHandler`, the class
// the CHECK macros expand to, given the YAML file and line as the source
// location. Catch2 v3 keeps both seams (`ITestInvoker` held by
// `Detail::unique_ptr`, `AssertionHandler`), so a move to v3 changes only
// src/eval/replay_session.cpp.
//
// Cases run before Catch2 reports them: the cases Catch2's test spec selects
// are replayed concurrently on a pool, then each test case reports its
// stored outcome. Catch2 itself runs tests one at a time.

namespace reprise::eval {

// The whole of reprise-eval's main(): returns the process exit code.
int run_replay_session(int argc, char** argv);

// A plain Catch2 session over the statically registered TEST_CASEs: the
// unit-test binary's main(). Here because Catch2's Session is only declared
// in the one translation unit that compiles its implementation.
int run_unit_test_session(int argc, char** argv);

}  // namespace reprise::eval
