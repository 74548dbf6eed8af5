package io.fraudpipeline.job.serde;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information backed by one of the job's own serializers, for a network edge, a key or a
 * state: Flink's type extraction would pick its reflective POJO serializer instead.
 *
 * @param <T> the type
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {

  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final TypeSerializer<T> serializer;
  private final boolean keyType;

  private SerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer, boolean keyType) {
    this.type = type;
    this.serializer = serializer;
    this.keyType = keyType;
  }

  /** For values: records on an edge, state. */
  public static <T> SerializerTypeInfo<T> of(Class<T> type, TypeSerializer<T> serializer) {
    return new SerializerTypeInfo<>(type, serializer, false);
  }

  /** For a keyBy key: the type's own {@code hashCode} and {@code equals} must be deterministic. */
  public static <T> SerializerTypeInfo<T> key(Class<T> type, TypeSerializer<T> serializer) {
    return new SerializerTypeInfo<>(type, serializer, true);
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return keyType;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer;
  }

  @Override
  public String toString() {
    return "SerializerTypeInfo(" + type.getSimpleName() + ", " + serializer + ")";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof SerializerTypeInfo<?> other
        && other.type.equals(type)
        && other.serializer.equals(serializer)
        && other.keyType == keyType;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + serializer.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof SerializerTypeInfo;
  }
}
