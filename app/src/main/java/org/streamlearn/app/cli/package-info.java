/** The {@code streamlearn} command line (picocli): one subcommand per job, each with {@code --help}. */
package org.streamlearn.app.cli;
