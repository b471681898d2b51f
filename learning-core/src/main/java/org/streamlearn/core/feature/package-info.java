/**
 * Feature preprocessing: the online {@link org.streamlearn.core.feature.Standardizer} and signed
 * {@link org.streamlearn.core.feature.FeatureHasher feature hashing} of named features.
 */
package org.streamlearn.core.feature;
