/**
 * The model spec of DESIGN.md ("Events" → "Model spec"): immutable, validated records
 * ({@link org.streamlearn.store.spec.ModelSpec} and its nested parts) and their JSON form
 * ({@link org.streamlearn.store.spec.ModelSpecs}).
 *
 * <p>Every value is checked when a record is constructed, whether it comes from JSON or from
 * code; a {@link org.streamlearn.store.spec.SpecException} names the offending field by its
 * JSON path ({@code optimizer.learningRate}, {@code architecture.hidden[0]}). Polymorphic parts
 * use lowercase logical names ({@code "type": "adam"}); a field that does not belong to the
 * chosen type is an error in JSON and holds 0 (or {@code null}, or an empty list) in a record.
 *
 * <p>Behind these two public classes: {@code SpecRules}, {@code OptimizerTypes} and
 * {@code ScheduleTypes} hold the records' rules; {@code SpecReader}, {@code SpecObject} and
 * {@code SpecWriter} the JSON form.
 */
package org.streamlearn.store.spec;
