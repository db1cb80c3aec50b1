package dev.inchworm.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: injects a {@link SandboxHost} (shaped by {@link TinyHost} on the
 * parameter, the method or the class) and a {@link Scenario} for it into test and
 * {@code @BeforeEach} methods, and closes the host after each test, passed or failed. All
 * {@code SandboxHost} and {@code Scenario} parameters of one test share one host.
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * class MyReclaimerTest {
 *     @Test
 *     void frees(@TinyHost(mib = 32) SandboxHost host, Scenario scenario) { ... }
 * }
 * }</pre>
 */
public final class SandboxExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SandboxExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SandboxHost.class || type == Scenario.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SandboxHost host = store.get(SandboxHost.class, SandboxHost.class);
        if (host == null) {
            TinyHost shape = parameter.findAnnotation(TinyHost.class)
                    .or(() -> annotation(context.getTestMethod()))
                    .or(() -> annotation(context.getTestClass()))
                    .orElse(null);
            host = build(shape);
            store.put(SandboxHost.class, host);
        } else if (parameter.isAnnotated(TinyHost.class)) {
            throw new ParameterResolutionException("@TinyHost on " + parameter.getParameter()
                    + ": this test's host was already made; put @TinyHost on its first host parameter or the method");
        }
        if (parameter.getParameter().getType() == SandboxHost.class) {
            return host;
        }
        Scenario scenario = store.get(Scenario.class, Scenario.class);
        if (scenario == null) {
            scenario = Scenario.forHost(host);
            store.put(Scenario.class, scenario);
        }
        return scenario;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SandboxHost host = context.getStore(NAMESPACE).remove(SandboxHost.class, SandboxHost.class);
        context.getStore(NAMESPACE).remove(Scenario.class);
        if (host != null) {
            host.close();
        }
    }

    private static Optional<TinyHost> annotation(Optional<? extends AnnotatedElement> element) {
        return element.map(e -> e.getAnnotation(TinyHost.class));
    }

    private static SandboxHost build(TinyHost shape) {
        SandboxHost.Builder builder = SandboxHost.builder();
        if (shape == null) {
            return builder.build();
        }
        builder = shape.loopExt4() ? builder.loopExt4(shape.mib()) : builder.tmpfs(shape.mib());
        builder.name(shape.name());
        if (shape.swapFolder()) {
            builder.swapFolder();
        }
        if (shape.journal()) {
            builder.journal();
        }
        if (shape.tmpDirInStore()) {
            builder.tmpDirInStore();
        }
        return builder.build();
    }
}
