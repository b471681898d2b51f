package org.streamlearn.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamlearn.app.cli.DemoCommand;

/**
 * The layering inside {@code app} that maven-enforcer cannot see, since it only sees artifacts: the
 * local broker (module {@code local-kafka}) is on app's class path for the demo, and only the demo
 * command may use it. The service itself talks to whatever cluster it is given. (Compile-time
 * constants such as {@code LocalKafkaBroker.HOST} are inlined by javac and so invisible here.)
 */
class LayeringTest {

    private static final String BROKER_PACKAGE = "org.streamlearn.kafka.local..";

    private static JavaClasses appClasses;

    @BeforeAll
    static void importAppClasses() {
        appClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.streamlearn.app");
    }

    @Test
    void onlyTheDemoCommandUsesTheLocalBroker() {
        ArchRule rule = noClasses().that(areNotTheDemoCommand())
                .should().dependOnClassesThat().resideInAPackage(BROKER_PACKAGE)
                .because("the local broker is for `streamlearn demo` and the tests (module local-kafka)");
        rule.check(appClasses);
    }

    @Test
    void theRuleSeesTheDemoCommandUseTheBroker() {
        // guards the rule above against passing vacuously (no classes imported, a renamed package)
        JavaClass demo = appClasses.get(DemoCommand.class);
        assertThat(demo.getDirectDependenciesFromSelf()).map(Dependency::getTargetClass)
                .map(JavaClass::getPackageName)
                .contains("org.streamlearn.kafka.local");
    }

    private static DescribedPredicate<JavaClass> areNotTheDemoCommand() {
        String name = DemoCommand.class.getName();
        return DescribedPredicate.describe("are not the demo command",
                c -> !c.getName().equals(name) && !c.getName().startsWith(name + "$"));
    }
}
