import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ReaderView } from '@lectern/api-types';
import { Repository } from 'typeorm';
import { ReaderViewEntity } from '../entities/reader-view.entity';

/** The learner's chosen way of reading lessons; Original until they pick Personalized. */
@Injectable()
export class ReaderViewService {
  constructor(@InjectRepository(ReaderViewEntity) private readonly views: Repository<ReaderViewEntity>) {}

  async get(userId: string): Promise<ReaderView> {
    return (await this.views.findOneBy({ userId }))?.view ?? 'original';
  }

  async set(userId: string, view: ReaderView): Promise<ReaderView> {
    await this.views.upsert({ userId, view, updatedAt: new Date() }, { conflictPaths: ['userId'] });
    return view;
  }
}
