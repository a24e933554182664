package net.gate64.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Evaluates {@link Requires} once per class: enabled, disabled with the reason, or (on CI) a failure; and holds the
 * class's {@link Requires#exclusive()} blocks while it runs.
 */
public final class RequirementCheck implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace HELD = ExtensionContext.Namespace.create(RequirementCheck.class);

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

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Requires> requires = AnnotationSupport.findAnnotation(context.getElement(), Requires.class);
        if (requires.isEmpty() || requires.get().exclusive().length == 0) {
            return;
        }
        List<AutoCloseable> held = new ArrayList<>();
        try {
            for (String block : requires.get().exclusive()) {
                held.add(Machine.exclusive(block));
            }
        } catch (Exception | Error e) {
            for (AutoCloseable h : held) {
                h.close();
            }
            throw e;
        }
        context.getStore(HELD).put(context.getUniqueId(), held);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Object held = context.getStore(HELD).remove(context.getUniqueId());
        if (held instanceof List<?> list) {
            for (Object h : list) {
                ((AutoCloseable) h).close();
            }
        }
    }
}
