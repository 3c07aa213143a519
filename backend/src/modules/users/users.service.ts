import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundError } from '@lectern/infra';
import { EntityManager, Repository } from 'typeorm';
import { UserEntity } from './entities/user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async create(): Promise<UserEntity> {
    return this.users.save(this.users.create({ onboardedAt: null }));
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('user_not_found', `No user ${id}`);
    return user;
  }

  /**
   * Records that the learner finished onboarding (first time only) and bumps
   * updatedAt. Runs inside the caller's transaction when one is given.
   */
  async markOnboarded(id: string, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(UserEntity) : this.users;
    const result = await repo
      .createQueryBuilder()
      .update()
      .set({ onboardedAt: () => 'COALESCE(onboarded_at, now())', updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
    if (result.affected === 0) throw new NotFoundError('user_not_found', `No user ${id}`);
  }
}
