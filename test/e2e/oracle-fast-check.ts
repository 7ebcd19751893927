/**
 * fast-check as the oracle tests use it. A failing property is shrunk to its smallest case, and
 * for long generated sequences (fc.gen, fc.commands) that shrinking can outlast the whole suite
 * (a failure of dynamodb-expression-oracle at 300 runs was still shrinking after 13 minutes).
 * A run, shrinking included, is cut short after two minutes: a failure then reports the smallest
 * case found so far; a run that was passing passes with the cases it ran.
 */
import fc from "fast-check";

fc.configureGlobal({ interruptAfterTimeLimit: 120_000 });

export default fc;
