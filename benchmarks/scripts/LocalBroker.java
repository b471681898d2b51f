import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.streamlearn.kafka.local.LocalKafkaBroker;

/**
 * A local broker (LocalKafkaBroker, child JVM) with topic training-events (3 partitions, kept forever); prints its
 * bootstrap address and runs until the file args[0] is deleted. docs/benchmarks.md, "Backtests":
 * {@code java -cp app/target/streamlearn.jar benchmarks/scripts/LocalBroker.java /tmp/broker.run}
 */
public class LocalBroker {
    public static void main(String[] args) throws Exception {
        try (LocalKafkaBroker b = LocalKafkaBroker.builder().build().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", b.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("training-events", 3, (short) 1)
                        .configs(Map.of("retention.ms", "-1")))).all().get();
            }
            System.out.println(b.bootstrapServers());
            System.out.flush();
            while (Files.exists(Path.of(args[0]))) {
                Thread.sleep(1000);
            }
        }
    }
}
