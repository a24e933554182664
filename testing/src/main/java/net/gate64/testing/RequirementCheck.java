package net.gate64.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link Requires} once per class: enabled, disabled with the reason, or (on CI) a failure. */
public final class RequirementCheck implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Requires> requires = AnnotationSupport.findAnnotation(context.getElement(), Requires.class);
        if (requires.isEmpty() || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("no machine requirements here");
        }
        Machine.Missing missing = Machine.missing(requires.get());
        if (missing == null) {
            return ConditionEvaluationResult.enabled("the machine has what " + requires.get().what() + " need");
        }
        if (missing.providedOnCi() && Machine.strict()) {
            throw new IllegalStateException(Machine.STRICT + "=1 (this machine must run every test) but "
                    + missing.reason());
        }
        return ConditionEvaluationResult.disabled(missing.reason());
    }
}
