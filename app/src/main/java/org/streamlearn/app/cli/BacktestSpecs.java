package org.streamlearn.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.streamlearn.app.backtest.Configuration;
import org.streamlearn.store.spec.ModelSpec;
import org.streamlearn.store.spec.ModelSpecs;
import org.streamlearn.store.spec.SpecException;
import picocli.CommandLine;

/**
 * The {@code --spec [NAME=]FILE} arguments of {@code backtest}: each read, validated and named (after the file
 * unless {@code NAME=} is given; a repeated name gets {@code -2}, {@code -3}, …).
 */
final class BacktestSpecs {

    private BacktestSpecs() {
    }

    /** The named specs, in the order given. */
    static List<Configuration> parse(CommandLine cl, List<String> args) throws IOException {
        List<Configuration> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String s : args) {
            String name = null;
            String file = s;
            int eq = s.indexOf('=');
            if (eq > 0 && !Files.exists(Path.of(s))) {
                name = s.substring(0, eq);
                file = s.substring(eq + 1);
            }
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new CommandLine.ParameterException(cl, "--spec: no such file: " + p);
            }
            if (name == null) {
                name = p.getFileName().toString().replaceFirst("\\.json$", "");
            }
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new CommandLine.ParameterException(cl, "--spec: run name '" + name
                        + "' may only use letters, digits, '.', '_' and '-'");
            }
            String unique = name;
            for (int i = 2; !names.add(unique); i++) {
                unique = name + "-" + i;
            }
            ModelSpec spec;
            try {
                spec = ModelSpecs.parse(Files.readString(p));
            } catch (SpecException e) {
                throw new CommandLine.ParameterException(cl, "--spec " + p + ": " + e.getMessage());
            }
            out.add(new Configuration(unique, spec, Map.of()));
        }
        return out;
    }
}
