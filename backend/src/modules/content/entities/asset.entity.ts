import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An image or file of the book, addressed by the SHA-256 of its bytes (served
 * at /api/content/assets/{sha256}.{ext}). The bytes are in the content store
 * (ContentStore.putAsset); this row records how to serve them.
 */
@Entity({ name: 'content_assets' })
export class ContentAssetEntity {
  @PrimaryColumn({ type: 'char', length: 64, primaryKeyConstraintName: 'PK_content_assets_sha256' })
  sha256!: string;

  @Column({ type: 'varchar', length: 16 })
  ext!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ type: 'integer' })
  size!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
