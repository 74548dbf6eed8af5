package io.fraudpipeline.job.serde;

import io.fraudpipeline.model.Transaction;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information of {@link Transaction} on the job's network edges, backed by {@link
 * TransactionSerializer}. Keyed state keeps Flink's own type information for {@link Transaction},
 * so savepoints taken before this serializer existed still restore.
 */
public final class TransactionTypeInfo extends TypeInformation<Transaction> {

  private static final long serialVersionUID = 1L;

  public static final TransactionTypeInfo INSTANCE = new TransactionTypeInfo();

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
  public Class<Transaction> getTypeClass() {
    return Transaction.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<Transaction> createSerializer(SerializerConfig config) {
    return TransactionSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "TransactionTypeInfo";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof TransactionTypeInfo;
  }

  @Override
  public int hashCode() {
    return TransactionTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof TransactionTypeInfo;
  }
}
